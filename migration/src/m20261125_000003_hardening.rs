use sea_orm_migration::{prelude::*, schema::*};

/// Shared state for hardening that several API replicas must see alike: rate-limit buckets,
/// idempotency keys and persisted documents live in the database, not in process memory.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimitBucket::Table)
                    .col(string_len(RateLimitBucket::Key, 200).primary_key())
                    .col(big_integer(RateLimitBucket::TheoreticalArrivalMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(string_len(IdempotencyKey::Principal, 300))
                    .col(string_len(IdempotencyKey::Key, 255))
                    .col(string_len(IdempotencyKey::Fingerprint, 64))
                    .col(text_null(IdempotencyKey::Response))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .primary_key(Index::create().col(IdempotencyKey::Principal).col(IdempotencyKey::Key))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersistedDocument::Table)
                    .col(string_len(PersistedDocument::Hash, 64).primary_key())
                    .col(text(PersistedDocument::Document))
                    .col(string_len_null(PersistedDocument::Name, 200))
                    .col(boolean(PersistedDocument::Trusted).default(false))
                    .col(timestamp_with_time_zone(PersistedDocument::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKey::Table)
                    .add_column(boolean(ApiKey::TrustedDocumentsOnly).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKey::Table)
                    .drop_column(ApiKey::TrustedDocumentsOnly)
                    .to_owned(),
            )
            .await?;
        for table in [
            PersistedDocument::Table.into_iden(),
            IdempotencyKey::Table.into_iden(),
            RateLimitBucket::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RateLimitBucket {
    Table,
    Key,
    TheoreticalArrivalMs,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Principal,
    Key,
    Fingerprint,
    Response,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PersistedDocument {
    Table,
    Hash,
    Document,
    Name,
    Trusted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    TrustedDocumentsOnly,
}
