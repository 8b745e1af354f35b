//! The mail outbox (issue 16): mails that producers queue inside their own transaction and a
//! sender delivers later, at least once. The dedupe key is unique, so a mail queued twice (two
//! producers racing over the same weekly digest) is stored once; the lease lets several senders
//! share the queue without sending a mail twice while its sender lives.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMail::Table)
                    .col(pk_uuid(OutboxMail::Id))
                    .col(string_len(OutboxMail::Purpose, 40))
                    .col(string_len_uniq(OutboxMail::DedupeKey, 300))
                    .col(string_len(OutboxMail::Recipient, 320))
                    .col(string_len(OutboxMail::Subject, 300))
                    .col(text(OutboxMail::TextBody))
                    .col(text_null(OutboxMail::HtmlBody))
                    .col(text(OutboxMail::Headers))
                    .col(string_len(OutboxMail::MessageId, 300))
                    .col(string_len(OutboxMail::Status, 40))
                    .col(integer(OutboxMail::Attempts))
                    .col(timestamp_with_time_zone(OutboxMail::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(OutboxMail::LeaseUntil))
                    .col(string_len_null(OutboxMail::LeaseOwner, 100))
                    .col(text_null(OutboxMail::LastError))
                    .col(timestamp_with_time_zone_null(OutboxMail::SentAt))
                    .col(integer(OutboxMail::Version))
                    .col(timestamp_with_time_zone(OutboxMail::CreatedAt))
                    .col(timestamp_with_time_zone(OutboxMail::UpdatedAt))
                    .check(Expr::cust("status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED')"))
                    .check(Expr::cust("status <> 'SENT' OR sent_at IS NOT NULL"))
                    .to_owned(),
            )
            .await?;
        // The sender's claim reads due mails by status and time; the admins' list reads FAILED
        // mails newest first.
        for (name, columns) in [
            (
                "idx_outbox_mail_status_next_attempt_at",
                vec![OutboxMail::Status, OutboxMail::NextAttemptAt],
            ),
            (
                "idx_outbox_mail_status_updated_at",
                vec![OutboxMail::Status, OutboxMail::UpdatedAt],
            ),
        ] {
            let mut index = Index::create().name(name).table(OutboxMail::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMail::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OutboxMail {
    Table,
    Id,
    Purpose,
    DedupeKey,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    Headers,
    MessageId,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LeaseOwner,
    LastError,
    SentAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
