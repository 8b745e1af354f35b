//! The partner's own identifier of a cluster (issue 18): partners that keep their own registry
//! import it again and again, and each row finds its profile by this id, unique per partner
//! organisation (the representing partner). Profiles registered otherwise have none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "cluster_partner_external_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .add_column(string_len_null(Cluster::ExternalId, 100))
                    .to_owned(),
            )
            .await?;
        // NULLs are distinct in a unique index on both databases: clusters without an external id
        // (or without a partner) never collide.
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Cluster::Table)
                    .col(Cluster::RepresentedById)
                    .col(Cluster::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Cluster::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .drop_column(Cluster::ExternalId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    RepresentedById,
    ExternalId,
}
