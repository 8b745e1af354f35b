//! The schema's state when several replicas share one database: migrations run under a lock, so
//! replicas starting together migrate once and the others wait and find nothing to do; and the
//! check `serve` makes when it does not migrate (production), so it refuses to run new code over
//! an old schema.

use std::{collections::HashSet, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::error::{AppError, AppResult};

/// Why `serve` will not run over this database.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the database schema is behind this version: {pending} migration(s) pending, the first {first}; \
         run `clusterbridge migrate` first, or set MIGRATE_ON_START=on"
    )]
    Behind { pending: usize, first: String },
    #[error(transparent)]
    App(#[from] AppError),
}

/// Brings the schema at `url` up to date, holding the migration lock: on PostgreSQL an advisory
/// lock (one per schema, as tests keep a schema each), on SQLite an exclusive lock on the
/// database file. Returns how many migrations this call applied.
pub async fn migrate_once(url: &str) -> AppResult<usize> {
    // One connection: a session's advisory lock belongs to the connection that took it, and the
    // migrations must run on that one.
    let db = super::connect_with(url, 1, Duration::from_secs(10), Duration::ZERO).await?;
    let file_lock = match db.get_database_backend() {
        DbBackend::Postgres => {
            lock_postgres(&db).await?;
            None
        }
        _ => lock_file(url).await?,
    };
    let before = pending(&db).await?.len();
    let migrated = super::migrate(&db).await;
    if db.get_database_backend() == DbBackend::Postgres {
        // Closing the connection releases it too; unlocking first lets a waiter go at once.
        let _ = db.execute_unprepared(UNLOCK).await;
    }
    drop(file_lock);
    migrated?;
    let _ = db.close().await;
    tracing::info!(applied = before, "database schema up to date");
    Ok(before)
}

/// Refuses a database that lacks migrations this version has. Migrations the database has and
/// this version does not (a newer replica migrated first, in a rolling deploy) are fine: they
/// only add.
pub async fn check_current(url: &str) -> Result<(), SchemaError> {
    let db = super::connect_with(url, 1, Duration::from_secs(10), Duration::ZERO).await?;
    let pending = pending(&db).await;
    let _ = db.close().await;
    let pending = pending?;
    match pending.first() {
        None => Ok(()),
        Some(first) => Err(SchemaError::Behind {
            pending: pending.len(),
            first: first.clone(),
        }),
    }
}

/// The names of this version's migrations the database has not applied, in order. Reads only
/// (unlike sea-orm-migration's status, which creates its table and refuses unknown rows).
async fn pending(db: &DatabaseConnection) -> AppResult<Vec<String>> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DbBackend::Postgres => "SELECT to_regclass('seaql_migrations') IS NOT NULL AS present",
        _ => {
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations') AS present"
        }
    };
    let present = db
        .query_one_raw(Statement::from_string(backend, exists))
        .await
        .map_err(AppError::internal)?
        .map(|row| row.try_get::<bool>("", "present"))
        .transpose()
        .map_err(AppError::internal)?
        .unwrap_or(false);
    let applied: HashSet<String> = if present {
        db.query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations"))
            .await
            .map_err(AppError::internal)?
            .into_iter()
            .filter_map(|row| row.try_get::<String>("", "version").ok())
            .collect()
    } else {
        HashSet::new()
    };
    Ok(Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .filter(|name| !applied.contains(name))
        .collect())
}

/// Two keys: the service's, and the schema's (so that databases of separate schemas, as the
/// tests have, do not wait for each other).
const LOCK: &str = "SELECT pg_advisory_lock(hashtext('clusterbridge migrate'), hashtext(current_schema()))";
const TRY_LOCK: &str =
    "SELECT pg_try_advisory_lock(hashtext('clusterbridge migrate'), hashtext(current_schema())) AS locked";
const UNLOCK: &str = "SELECT pg_advisory_unlock(hashtext('clusterbridge migrate'), hashtext(current_schema()))";

async fn lock_postgres(db: &DatabaseConnection) -> AppResult<()> {
    let locked = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, TRY_LOCK))
        .await
        .map_err(AppError::internal)?
        .and_then(|row| row.try_get::<bool>("", "locked").ok())
        .unwrap_or(false);
    if !locked {
        tracing::info!("another process is migrating this database; waiting for it");
        db.execute_unprepared(LOCK).await.map_err(AppError::internal)?;
    }
    Ok(())
}

/// An exclusive `flock` on the database file itself, held while the returned file is open;
/// none for an in-memory database. SQLite locks with `fcntl` byte ranges, which on Linux and the
/// BSDs are apart from `flock`, so this waits only for another migrator and leaves no file.
async fn lock_file(url: &str) -> AppResult<Option<std::fs::File>> {
    let Some(path) = super::sqlite_file(url).map(str::to_owned) else {
        return Ok(None);
    };
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        if file.try_lock().is_err() {
            tracing::info!("another process is migrating this database; waiting for it");
            file.lock()?;
        }
        Ok::<_, std::io::Error>(Some(file))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|err| AppError::internal(format_args!("cannot lock the database for migrating: {err}")))
}
