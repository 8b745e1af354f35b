//! A rate-limit charge in one SQL statement (issue 14): the upsert that refills and charges a
//! bucket can only return the row it leaves, and a refused charge leaves the arrival time as it
//! was, which a granted one may also produce. So the row says whether its last charge was
//! granted, and the statement returns that with the arrival time it needs for `Retry-After`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RateLimitBucket::Table)
                    .add_column(boolean(RateLimitBucket::LastChargeGranted).default(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RateLimitBucket::Table)
                    .drop_column(RateLimitBucket::LastChargeGranted)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum RateLimitBucket {
    Table,
    LastChargeGranted,
}
