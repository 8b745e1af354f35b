//! Languages of cluster descriptions and success stories (issue 16): each record's primary
//! language (a BCP 47 tag in canonical form, `en` for those written before) and its
//! translations, one per language: a cluster's description, a story's title, summary and body.
//! A cluster's search row holds every language's description, so a word of any finds it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .add_column(string_len(Cluster::Language, 35).default("en"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SuccessStory::Table)
                    .add_column(string_len(SuccessStory::Language, 35).default("en"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClusterTranslation::Table)
                    .col(uuid(ClusterTranslation::ClusterId))
                    .col(string_len(ClusterTranslation::Language, 35))
                    .col(text(ClusterTranslation::Description))
                    // The unique pair is the key, and the loader reads a page's clusters by it.
                    .primary_key(
                        Index::create()
                            .col(ClusterTranslation::ClusterId)
                            .col(ClusterTranslation::Language),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClusterTranslation::Table, ClusterTranslation::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SuccessStoryTranslation::Table)
                    .col(uuid(SuccessStoryTranslation::SuccessStoryId))
                    .col(string_len(SuccessStoryTranslation::Language, 35))
                    .col(string_len(SuccessStoryTranslation::Title, 200))
                    .col(string_len(SuccessStoryTranslation::Summary, 2_000))
                    .col(text_null(SuccessStoryTranslation::Body))
                    .primary_key(
                        Index::create()
                            .col(SuccessStoryTranslation::SuccessStoryId)
                            .col(SuccessStoryTranslation::Language),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SuccessStoryTranslation::Table, SuccessStoryTranslation::SuccessStoryId)
                            .to(SuccessStory::Table, SuccessStory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SuccessStoryTranslation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ClusterTranslation::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SuccessStory::Table)
                    .drop_column(SuccessStory::Language)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .drop_column(Cluster::Language)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum SuccessStory {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum ClusterTranslation {
    Table,
    ClusterId,
    Language,
    Description,
}

#[derive(DeriveIden)]
enum SuccessStoryTranslation {
    Table,
    SuccessStoryId,
    Language,
    Title,
    Summary,
    Body,
}
