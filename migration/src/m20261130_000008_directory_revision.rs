use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

/// A counter that every change to a cluster, its ecosystems, technologies or target countries
/// moves on, in the same transaction. Caches of the directory (the partner index behind
/// recommendations) compare it with the revision they were built at. Triggers move it, so no
/// write path can forget to.
#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = [
    "cluster",
    "cluster_ecosystem",
    "cluster_technology",
    "cluster_partner_country",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE directory_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO directory_revision (id, revision) VALUES (1, 0)")
            .await?;
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION bump_directory_revision() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE directory_revision SET revision = revision + 1; RETURN NULL; END $$",
                )
                .await?;
                for table in TABLES {
                    // Once per statement: a bulk insert moves the counter once, not per row.
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_revision()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in TABLES {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_revision_{} AFTER {event} ON {table} \
                             BEGIN UPDATE directory_revision SET revision = revision + 1; END",
                            event.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in TABLES {
                    db.execute_unprepared(&format!("DROP TRIGGER {table}_revision ON {table}"))
                        .await?;
                }
                db.execute_unprepared("DROP FUNCTION bump_directory_revision()").await?;
            }
            _ => {
                for table in TABLES {
                    for event in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER {table}_revision_{event}"))
                            .await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE directory_revision").await?;
        Ok(())
    }
}
