//! Success stories as a workflow (issue 16, point 3): a story is written as a DRAFT, SUBMITTED
//! by an editor of a cluster it involves, PUBLISHED by a partner of an involved country or an
//! administrator, who may also return it to DRAFT with a note its author reads. The stories
//! written before were visible at once, so they become PUBLISHED, published when created.
//!
//! `author_id` and `published_by` carry no foreign key: SQLite adds none with ALTER TABLE, and
//! a removed account's id (a UUID v7) is never given to another, so a stale one grants nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            string_len(SuccessStory::Status, 40).default("DRAFT").to_owned(),
            uuid_null(SuccessStory::AuthorId).to_owned(),
            timestamp_with_time_zone_null(SuccessStory::SubmittedAt).to_owned(),
            timestamp_with_time_zone_null(SuccessStory::PublishedAt).to_owned(),
            uuid_null(SuccessStory::PublishedBy).to_owned(),
            text_null(SuccessStory::ModerationNote).to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(SuccessStory::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(SuccessStory::Table)
                    .value(SuccessStory::Status, "PUBLISHED")
                    .value(SuccessStory::PublishedAt, Expr::col(SuccessStory::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The public list and the weekly digest: published stories by when they were published.
        for (name, columns) in [
            (
                "idx_success_story_status_published_at",
                vec![SuccessStory::Status, SuccessStory::PublishedAt],
            ),
            ("idx_success_story_author", vec![SuccessStory::AuthorId]),
        ] {
            let mut index = Index::create().name(name).table(SuccessStory::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_success_story_status_published_at", "idx_success_story_author"] {
            manager
                .drop_index(Index::drop().name(name).table(SuccessStory::Table).to_owned())
                .await?;
        }
        for column in [
            SuccessStory::ModerationNote,
            SuccessStory::PublishedBy,
            SuccessStory::PublishedAt,
            SuccessStory::SubmittedAt,
            SuccessStory::AuthorId,
            SuccessStory::Status,
        ] {
            manager
                .alter_table(Table::alter().table(SuccessStory::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SuccessStory {
    Table,
    Status,
    AuthorId,
    SubmittedAt,
    PublishedAt,
    PublishedBy,
    ModerationNote,
    CreatedAt,
}
