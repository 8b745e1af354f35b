//! Bounded anonymous storage and exact rate limits: rate-limit buckets count nanoseconds,
//! persisted documents remember when they were last used (for least-recently-used eviction),
//! and the columns the sweep selects on are indexed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same statements on SQLite and PostgreSQL.
const UP: [&str; 5] = [
    // Milliseconds rounded a cheap request's charge down to nothing at high limits.
    "ALTER TABLE rate_limit_bucket RENAME COLUMN theoretical_arrival_ms TO theoretical_arrival_ns",
    "UPDATE rate_limit_bucket SET theoretical_arrival_ns = theoretical_arrival_ns * 1000000",
    "CREATE INDEX rate_limit_bucket_idle ON rate_limit_bucket (theoretical_arrival_ns)",
    "CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at)",
    "CREATE INDEX persisted_document_eviction ON persisted_document (trusted, last_used_at)",
];

const DOWN: [&str; 5] = [
    "DROP INDEX persisted_document_eviction",
    "DROP INDEX idempotency_key_created_at",
    "DROP INDEX rate_limit_bucket_idle",
    "UPDATE rate_limit_bucket SET theoretical_arrival_ns = theoretical_arrival_ns / 1000000",
    "ALTER TABLE rate_limit_bucket RENAME COLUMN theoretical_arrival_ns TO theoretical_arrival_ms",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The builder, so the column takes the type `created_at` has on each database; old rows
        // count as last used when they were stored.
        manager
            .alter_table(
                Table::alter()
                    .table(PersistedDocument::Table)
                    .add_column(
                        timestamp_with_time_zone(PersistedDocument::LastUsedAt).default("1970-01-01 00:00:00+00:00"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE persisted_document SET last_used_at = created_at")
            .await?;
        for statement in UP {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in DOWN {
            db.execute_unprepared(statement).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(PersistedDocument::Table)
                    .drop_column(PersistedDocument::LastUsedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum PersistedDocument {
    Table,
    LastUsedAt,
}
