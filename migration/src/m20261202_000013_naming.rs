//! One name per concept (issue 12, point 6): the countries a cluster seeks partners in are its
//! target countries, in SQL as in Rust and GraphQL, so `cluster_partner_country` becomes
//! `cluster_target_country`, with its index, constraints and triggers named after it.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One direction of the rename: from the old names to the new ones, or back.
struct Names {
    table: &'static str,
    /// The schema's name of the field, as audit entries list it among a change's fields.
    field: &'static str,
}

const OLD: Names = Names {
    table: "cluster_partner_country",
    field: "seeksPartnersIn",
};
const NEW: Names = Names {
    table: "cluster_target_country",
    field: "targetCountries",
};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, &OLD, &NEW).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, &NEW, &OLD).await
    }
}

async fn rename(manager: &SchemaManager<'_>, from: &Names, to: &Names) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let (old, new) = (from.table, to.table);
    // The same statements on both engines, as far as both speak them.
    for sql in [
        format!("ALTER TABLE {old} RENAME TO {new}"),
        // SQLite cannot rename an index, so both engines drop and rebuild it (a small table).
        format!("DROP INDEX idx_{old}_country"),
        format!("CREATE INDEX idx_{new}_country ON {new} (country)"),
        // Audit entries name the changed fields as the schema did then; they name them as it
        // does now, so a filter or reader of the log sees one name for the field.
        format!(
            "UPDATE audit_log SET changed_fields = REPLACE(changed_fields, '\"{}\"', '\"{}\"') \
             WHERE changed_fields LIKE '%\"{}\"%'",
            from.field, to.field, from.field
        ),
    ] {
        db.execute_unprepared(&sql).await?;
    }
    // The directory-revision triggers (m20261130_000008) follow the table on both engines, but
    // keep its old name in theirs; PostgreSQL also named the table's constraints after it.
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            for sql in [
                format!("ALTER TABLE {new} RENAME CONSTRAINT {old}_pkey TO {new}_pkey"),
                format!("ALTER TABLE {new} RENAME CONSTRAINT {old}_cluster_id_fkey TO {new}_cluster_id_fkey"),
                format!("ALTER TRIGGER {old}_revision ON {new} RENAME TO {new}_revision"),
            ] {
                db.execute_unprepared(&sql).await?;
            }
        }
        _ => {
            // SQLite has no ALTER TRIGGER: the triggers are made again under the new name.
            for event in ["insert", "update", "delete"] {
                db.execute_unprepared(&format!("DROP TRIGGER {old}_revision_{event}"))
                    .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {new}_revision_{event} AFTER {} ON {new} \
                     BEGIN UPDATE directory_revision SET revision = revision + 1; END",
                    event.to_uppercase()
                ))
                .await?;
            }
        }
    }
    Ok(())
}
