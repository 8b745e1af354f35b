use sea_orm::entity::prelude::*;

/// A leaky bucket in GCRA form: the theoretical arrival time of the next request, in Unix
/// nanoseconds (fine enough that a cost-1 request at a million points a minute adds 60,000).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_bucket")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub theoretical_arrival_ns: i64,
    /// Whether the last charge to the bucket was granted: what the charge statement returns
    /// beside the arrival time (a refusal leaves that time as it was).
    pub last_charge_granted: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
