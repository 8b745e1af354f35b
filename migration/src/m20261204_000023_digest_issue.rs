//! The weekly digest's issues (issue 16.5): one row per ISO week, holding what was published
//! that week (the items as JSON, from which each subscriber's mail is cut), the general web view
//! as HTML and plain text, and when it was built. The mails themselves are in `outbox_mail`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DigestIssue::Table)
                    .col(pk_uuid(DigestIssue::Id))
                    // `2026-W48`: unique, so two runs for one week store one issue.
                    .col(string_len_uniq(DigestIssue::Week, 8))
                    .col(timestamp_with_time_zone(DigestIssue::StartsAt))
                    .col(timestamp_with_time_zone(DigestIssue::EndsAt))
                    .col(timestamp_with_time_zone(DigestIssue::BuiltAt))
                    .col(integer(DigestIssue::ItemCount))
                    .col(text(DigestIssue::Items))
                    .col(text(DigestIssue::Html))
                    .col(text(DigestIssue::Text))
                    .check(Expr::cust("item_count >= 0"))
                    .to_owned(),
            )
            .await?;
        // `/digest/latest` reads the issue of the latest week.
        manager
            .create_index(
                Index::create()
                    .name("idx_digest_issue_starts_at")
                    .table(DigestIssue::Table)
                    .col(DigestIssue::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DigestIssue::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DigestIssue {
    Table,
    Id,
    Week,
    StartsAt,
    EndsAt,
    BuiltAt,
    ItemCount,
    Items,
    Html,
    Text,
}
