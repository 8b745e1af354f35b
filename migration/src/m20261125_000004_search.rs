use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

/// Discovery: where a profile seeks partners, and a search document per cluster with the
/// database's own full-text and trigram indexes (FTS5 on SQLite, tsvector and pg_trgm on
/// PostgreSQL).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClusterPartnerCountry::Table)
                    .col(uuid(ClusterPartnerCountry::ClusterId))
                    .col(char_len(ClusterPartnerCountry::Country, 2))
                    .primary_key(
                        Index::create()
                            .col(ClusterPartnerCountry::ClusterId)
                            .col(ClusterPartnerCountry::Country),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClusterPartnerCountry::Table, ClusterPartnerCountry::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cluster_partner_country_country")
                    .table(ClusterPartnerCountry::Table)
                    .col(ClusterPartnerCountry::Country)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cluster_updated_at_id")
                    .table(Cluster::Table)
                    .col(Cluster::UpdatedAt)
                    .col(Cluster::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cluster_members_total_id")
                    .table(Cluster::Table)
                    .col(Cluster::MembersTotal)
                    .col(Cluster::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClusterSearch::Table)
                    .col(uuid(ClusterSearch::ClusterId).primary_key())
                    .col(text(ClusterSearch::Document))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClusterSearch::Table, ClusterSearch::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                // The trigram tokenizer finds any substring of three characters or more, which
                // serves Chinese (no spaces between words) as well as acronyms and stems.
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE cluster_search_fts USING fts5(cluster_id UNINDEXED, document, tokenize = 'trigram')",
                )
                .await?;
            }
            DatabaseBackend::Postgres => {
                // In `public`, so every schema on the search path finds its functions and operator classes.
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE cluster_search ADD COLUMN search_vector tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_cluster_search_vector ON cluster_search USING GIN (search_vector)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_cluster_search_trigram ON cluster_search USING GIN (document gin_trgm_ops)",
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "search needs SQLite or PostgreSQL, not {other:?}"
                )))
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE cluster_search_fts")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ClusterSearch::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_cluster_members_total_id")
                    .table(Cluster::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_cluster_updated_at_id")
                    .table(Cluster::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ClusterPartnerCountry::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
    UpdatedAt,
    MembersTotal,
}

#[derive(DeriveIden)]
enum ClusterPartnerCountry {
    Table,
    ClusterId,
    Country,
}

#[derive(DeriveIden)]
enum ClusterSearch {
    Table,
    ClusterId,
    Document,
}
