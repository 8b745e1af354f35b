//! Rate-limit buckets without the write-ahead log, on PostgreSQL (issue 14): every request with
//! the limiter on writes its bucket, and a commit that must reach the disk before it returns
//! cost q1 two thirds of its throughput. A bucket is worth keeping only for its window: after a
//! crash PostgreSQL empties an unlogged table, which gives every client a full budget once,
//! and streaming replicas never see it, which suits a table only the primary writes.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set(manager, "UNLOGGED").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set(manager, "LOGGED").await
    }
}

/// SQLite has no write-ahead log per table; there the buckets stay as they are.
async fn set(manager: &SchemaManager<'_>, logging: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let sql = format!("ALTER TABLE rate_limit_bucket SET {logging}");
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}
