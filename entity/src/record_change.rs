//! One committed change of a cluster, partnership, success story or matchmaking event, for the
//! change feed: which record, whether it was written or deleted, when, and its place in the
//! feed (`seq`, NULL until numbered after commit).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The place in the feed, given after commit; NULL until then.
    pub seq: Option<i64>,
    pub record_type: ChangedRecordType,
    pub record_id: Uuid,
    pub kind: ChangeKind,
    pub changed_at: DateTimeUtc,
}

/// The kinds of record the change feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum ChangedRecordType {
    #[sea_orm(string_value = "Cluster")]
    Cluster,
    #[sea_orm(string_value = "Partnership")]
    Partnership,
    #[sea_orm(string_value = "SuccessStory")]
    SuccessStory,
    #[sea_orm(string_value = "MatchmakingEvent")]
    MatchmakingEvent,
}

/// What a change did to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ChangeKind {
    /// Created or changed.
    #[sea_orm(string_value = "UPSERTED")]
    Upserted,
    #[sea_orm(string_value = "DELETED")]
    Deleted,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
