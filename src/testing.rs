//! Test support shared by the library's unit tests and the integration tests: a database of a
//! test's own. Not part of the service; public only because integration tests are another crate.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, DbErr};
use tokio::sync::OnceCell;

use crate::db;

/// Where a test's database lives, so that it can be removed afterwards.
#[derive(Debug)]
enum Place {
    Sqlite(PathBuf),
    Postgres { admin_url: String, schema: String },
}

/// An empty database for one test: an SQLite file in the temporary directory, or, when
/// `TEST_DATABASE_URL` names a PostgreSQL database, a schema of its own in it.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL to connect to; on PostgreSQL its search path is the test's schema, then `public`
    /// for extensions such as pg_trgm.
    pub url: String,
    place: Place,
}

impl TestDatabase {
    pub async fn create() -> Result<Self, DbErr> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let schema = format!("t_{id}");
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}%2Cpublic");
                // Extensions belong to the database: created once, before the tests race to.
                static EXTENSIONS: OnceCell<()> = OnceCell::const_new();
                EXTENSIONS
                    .get_or_try_init(|| {
                        administer(&admin_url, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
                    })
                    .await?;
                administer(&admin_url, &format!("CREATE SCHEMA {schema}")).await?;
                Ok(Self {
                    url,
                    place: Place::Postgres { admin_url, schema },
                })
            }
            _ => {
                let path = std::env::temp_dir().join(format!("clusterbridge-test-{id}.db"));
                Ok(Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    place: Place::Sqlite(path),
                })
            }
        }
    }

    pub fn on_postgres(&self) -> bool {
        matches!(self.place, Place::Postgres { .. })
    }

    /// Removes the database; what cannot be removed is left for the temporary directory's or
    /// the test server's own clean-up.
    pub async fn remove(&self) {
        match &self.place {
            Place::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Place::Postgres { admin_url, schema } => {
                let _ = administer(admin_url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
            }
        }
    }
}

/// Runs one statement on its own connection.
async fn administer(url: &str, sql: &str) -> Result<(), DbErr> {
    let connection = db::connect(url, 1)
        .await
        .map_err(|err| DbErr::Custom(format!("cannot connect to {url}: {err}")))?;
    connection.execute_unprepared(sql).await?;
    connection.close().await
}
