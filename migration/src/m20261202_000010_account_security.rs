//! Account security: the password-guessing throttle's attempts and the per-user token generation.

use sea_orm_migration::{prelude::*, schema::*};

/// Account security: password attempts (the throttle against guessing, shared by every replica)
/// and a per-user token generation that outstanding access tokens are checked against.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordAttempt::Table)
                    .col(uuid(PasswordAttempt::Id))
                    .col(string_len(PasswordAttempt::Subject, 300))
                    .col(timestamp_with_time_zone(PasswordAttempt::AttemptedAt))
                    .primary_key(Index::create().col(PasswordAttempt::Id).col(PasswordAttempt::Subject))
                    .to_owned(),
            )
            .await?;
        // Counting one subject's attempts in the window, and sweeping old ones, both by index.
        manager
            .create_index(
                Index::create()
                    .name("password_attempt_subject_time")
                    .table(PasswordAttempt::Table)
                    .col(PasswordAttempt::Subject)
                    .col(PasswordAttempt::AttemptedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("password_attempt_time")
                    .table(PasswordAttempt::Table)
                    .col(PasswordAttempt::AttemptedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(big_integer(User::TokenGeneration).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .drop_column(User::TokenGeneration)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PasswordAttempt::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordAttempt {
    Table,
    Id,
    Subject,
    AttemptedAt,
}

#[derive(DeriveIden)]
enum User {
    Table,
    TokenGeneration,
}
