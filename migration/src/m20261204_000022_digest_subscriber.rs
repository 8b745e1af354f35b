//! Subscribers of the weekly digest (issue 16): an e-mail address, the language its digest is
//! written in, and where its double opt-in stands; and the topics it follows (ecosystems,
//! countries, post kinds, languages of what is published), one row each.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DigestSubscriber::Table)
                    .col(pk_uuid(DigestSubscriber::Id))
                    // Stored in lower case, so one address is one subscriber.
                    .col(string_len_uniq(DigestSubscriber::Email, 320))
                    .col(string_len(DigestSubscriber::Language, 35))
                    .col(string_len(DigestSubscriber::Status, 20))
                    .col(timestamp_with_time_zone_null(DigestSubscriber::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(DigestSubscriber::UnsubscribedAt))
                    // When a confirmation mail was last queued for this address: subscribing is
                    // limited per address by it.
                    .col(timestamp_with_time_zone_null(DigestSubscriber::LastConfirmationAt))
                    .col(integer(DigestSubscriber::Version))
                    .col(timestamp_with_time_zone(DigestSubscriber::CreatedAt))
                    .col(timestamp_with_time_zone(DigestSubscriber::UpdatedAt))
                    .check(Expr::cust("status IN ('PENDING', 'CONFIRMED', 'UNSUBSCRIBED')"))
                    .check(Expr::cust("status <> 'CONFIRMED' OR confirmed_at IS NOT NULL"))
                    .to_owned(),
            )
            .await?;
        // The digest reads the confirmed subscribers.
        manager
            .create_index(
                Index::create()
                    .name("idx_digest_subscriber_status")
                    .table(DigestSubscriber::Table)
                    .col(DigestSubscriber::Status)
                    .col(DigestSubscriber::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DigestSubscriberTopic::Table)
                    .col(uuid(DigestSubscriberTopic::SubscriberId))
                    .col(string_len(DigestSubscriberTopic::Kind, 20))
                    .col(string_len(DigestSubscriberTopic::Value, 100))
                    .primary_key(
                        Index::create()
                            .col(DigestSubscriberTopic::SubscriberId)
                            .col(DigestSubscriberTopic::Kind)
                            .col(DigestSubscriberTopic::Value),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DigestSubscriberTopic::Table, DigestSubscriberTopic::SubscriberId)
                            .to(DigestSubscriber::Table, DigestSubscriber::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(Expr::cust("kind IN ('ECOSYSTEM', 'COUNTRY', 'POST_KIND', 'LANGUAGE')"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DigestSubscriberTopic::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DigestSubscriber::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DigestSubscriber {
    Table,
    Id,
    Email,
    Language,
    Status,
    ConfirmedAt,
    UnsubscribedAt,
    LastConfirmationAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DigestSubscriberTopic {
    Table,
    SubscriberId,
    Kind,
    Value,
}
