//! One topic a digest subscriber follows: an ecosystem, a country (ISO 3166-1 alpha-2), a post
//! kind, or a language of what is published. A subscriber with no topic of a kind takes all.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Which list of the subscriber's topics a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum TopicKind {
    #[sea_orm(string_value = "ECOSYSTEM")]
    Ecosystem,
    #[sea_orm(string_value = "COUNTRY")]
    Country,
    #[sea_orm(string_value = "POST_KIND")]
    PostKind,
    #[sea_orm(string_value = "LANGUAGE")]
    Language,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_subscriber_topic")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscriber_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: TopicKind,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
