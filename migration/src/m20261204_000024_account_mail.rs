//! Account mail (issue 16.7): when a user proved they read mail at their address, the language
//! their mails are written in, and who posted a partner search (the address an interest mail
//! goes to). Accounts that exist already count as verified: they are the demo accounts and
//! accounts made before verification existed, which the platform vouched for then.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in [
            timestamp_with_time_zone_null(User::EmailVerifiedAt),
            string_len_null(User::Language, 35),
        ] {
            manager
                .alter_table(Table::alter().table(User::Table).add_column(column).to_owned())
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(User::Table)
                    .value(User::EmailVerifiedAt, Expr::col(User::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerSearch::Table)
                    .add_column(uuid_null(PartnerSearch::PostedById))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerSearch::Table)
                    .drop_column(PartnerSearch::PostedById)
                    .to_owned(),
            )
            .await?;
        for column in [User::Language, User::EmailVerifiedAt] {
            manager
                .alter_table(Table::alter().table(User::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum User {
    Table,
    CreatedAt,
    EmailVerifiedAt,
    Language,
}

#[derive(DeriveIden)]
enum PartnerSearch {
    Table,
    PostedById,
}
