//! Connecting to the database and bringing its schema up to date.

pub mod replicas;
pub mod rows;
pub mod schema;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::error::{AppError, AppResult};

pub async fn connect(url: &str, max_connections: u32) -> AppResult<DatabaseConnection> {
    connect_with(url, max_connections, Duration::from_secs(2), Duration::from_secs(10)).await
}

/// A connection for work that takes as long as it takes: migrations over a large directory, the
/// data generator. No statement timeout, unlike the connections that serve requests.
pub async fn connect_for_maintenance(url: &str) -> AppResult<DatabaseConnection> {
    connect_with(url, 2, Duration::from_secs(10), Duration::ZERO).await
}

/// Brings the schema at `url` up to date over a maintenance connection of its own, holding the
/// database's migration lock, so replicas starting together migrate once (see [`schema`]).
pub async fn migrate_url(url: &str) -> AppResult<()> {
    schema::migrate_once(url).await.map(drop)
}

/// `acquire_timeout` bounds the wait for a connection, so requests fail fast while the database
/// is away; `statement_timeout` makes PostgreSQL itself cancel work a request no longer needs
/// (zero: never).
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
    statement_timeout: Duration,
) -> AppResult<DatabaseConnection> {
    if let Some(path) = sqlite_file(url) {
        // The embedded default lives under data/, which a fresh checkout does not have yet.
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(AppError::internal)?;
        }
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        // sqlx pings every connection as it returns to the pool; pinging it again as it leaves
        // costs each statement a second round trip. One idle long enough to have died with a
        // database restart is pinged before it is handed out; one that dies in use fails its
        // statement with UNAVAILABLE and is dropped when the pool's ping on its return fails.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false)
        // SQLite's default page cache is 2 MB per connection; searches over a large directory
        // re-read the same pages. A bigger cache and memory-mapped reads keep them at hand.
        // The map covers the file up to SQLite's ceiling (2 GiB less 64 KiB): a page read beyond
        // the map goes into the connection's own cache on the heap, and a read of the whole
        // file (an export) then fills every pooled connection's 64 MiB, the heap growing with
        // the pool (issue 18: 855 MB after three exports of 100,000 clusters under a 256 MiB
        // map). Mapped pages are the kernel's file cache, shared by the connections and
        // reclaimable.
        .map_sqlx_sqlite_opts(|opts| opts.pragma("cache_size", "-65536").pragma("mmap_size", "2147418112"))
        .map_sqlx_postgres_opts(move |opts| {
            opts.options([
                ("statement_timeout", format!("{}ms", statement_timeout.as_millis())),
                // JIT compiles a plan in tens of milliseconds, more than our searches take.
                ("jit", "off".to_owned()),
                // Statements are prepared and cached per connection; after five runs PostgreSQL
                // may switch to a generic plan that ignores the values. How selective a search
                // word or filter is decides the plan (a word in 90% of profiles is best checked
                // row by row after the filters; a rare one is best looked up first), so plan
                // every execution for its values.
                ("plan_cache_mode", "force_custom_plan".to_owned()),
                // The directory's working set sits in memory (or on SSD), where a random page
                // read costs about what a sequential one does; the default (4) is for spinning
                // disks and steers text matches into scanning whole tables.
                ("random_page_cost", "1.1".to_owned()),
            ])
        });
    Database::connect(options)
        .await
        .map_err(|err| AppError::internal(format_args!("cannot connect to the database: {err}")))
}

pub async fn migrate(db: &DatabaseConnection) -> AppResult<()> {
    Migrator::up(db, None).await.map_err(AppError::internal)
}

/// The file path of an SQLite URL, if it names a file.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Begins a transaction that writes. Every write of the service goes through here: on SQLite it
/// takes the write lock at BEGIN (IMMEDIATE), waiting up to the busy timeout for a writer ahead of
/// it. A deferred transaction instead reads first and then, if another writer committed since its
/// read, cannot write at all (SQLITE_BUSY_SNAPSHOT, which no wait cures). PostgreSQL ignores the
/// mode; its row locks and version checks order writers.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A savepoint inside a write transaction from `begin_write`, which holds the write lock already,
/// so one step can fail (and be rolled back) without aborting the rest: on PostgreSQL a failed
/// statement otherwise aborts the whole transaction.
pub async fn savepoint<C: TransactionTrait>(txn: &C) -> Result<C::Transaction, DbErr> {
    txn.begin().await
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            super::sqlite_file("sqlite://data/eccp.db?mode=rwc"),
            Some("data/eccp.db")
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://localhost/x"), None);
    }
}
