//! Languages of posts (issue 16): a post's primary language (a BCP 47 tag in canonical form,
//! `en` for the posts written before) and its translations of title, summary and body, one per
//! language. The post's `search_text` holds every language's text, so the text filter finds a
//! post by words of any of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Post::Table)
                    .add_column(string_len(Post::Language, 35).default("en"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostTranslation::Table)
                    .col(uuid(PostTranslation::PostId))
                    .col(string_len(PostTranslation::Language, 35))
                    .col(string_len(PostTranslation::Title, 200))
                    .col(string_len_null(PostTranslation::Summary, 500))
                    .col(text(PostTranslation::BodyMarkdown))
                    .col(text(PostTranslation::BodyHtml))
                    // The unique pair is the key, and the loader reads a page's posts by it.
                    .primary_key(
                        Index::create()
                            .col(PostTranslation::PostId)
                            .col(PostTranslation::Language),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostTranslation::Table, PostTranslation::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PostTranslation::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Post::Table).drop_column(Post::Language).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum PostTranslation {
    Table,
    PostId,
    Language,
    Title,
    Summary,
    BodyMarkdown,
    BodyHtml,
}
