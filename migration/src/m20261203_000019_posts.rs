//! Posts (issue 16): NEWS, EVENT and CALL posts that a cluster's editors write and publish, with
//! the ecosystems and countries they concern. The Markdown body is kept beside the HTML rendered
//! from it at write time, so a read never renders; `search_text` is the lower-cased plain text
//! (title, summary, body, place, funding, eligibility) that the text filter matches words in, the
//! same way on both databases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Post::Table)
                    .col(pk_uuid(Post::Id))
                    .col(uuid(Post::ClusterId))
                    .col(uuid_null(Post::AuthorId))
                    .col(string_len(Post::Kind, 40))
                    .col(string_len(Post::Title, 200))
                    .col(string_len_null(Post::Summary, 500))
                    .col(text(Post::BodyMarkdown))
                    .col(text(Post::BodyHtml))
                    .col(text(Post::SearchText))
                    .col(string_len_null(Post::ImageUrl, 2000))
                    .col(timestamp_with_time_zone_null(Post::StartsAt))
                    .col(timestamp_with_time_zone_null(Post::EndsAt))
                    .col(string_len_null(Post::Place, 300))
                    .col(string_len_null(Post::OnlineUrl, 2000))
                    .col(string_len_null(Post::RegistrationUrl, 2000))
                    .col(timestamp_with_time_zone_null(Post::Deadline))
                    .col(text_null(Post::Funding))
                    .col(text_null(Post::Eligibility))
                    .col(string_len_null(Post::Link, 2000))
                    .col(string_len(Post::Status, 40))
                    .col(timestamp_with_time_zone_null(Post::PublishedAt))
                    .col(text_null(Post::UnpublishReason))
                    .col(integer(Post::Version))
                    .col(timestamp_with_time_zone(Post::CreatedAt))
                    .col(timestamp_with_time_zone(Post::UpdatedAt))
                    // The rules of each kind, kept by the database too.
                    .check(Expr::cust(
                        "kind <> 'EVENT' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND starts_at <= ends_at)",
                    ))
                    .check(Expr::cust("kind <> 'CALL' OR deadline IS NOT NULL"))
                    .check(Expr::cust("status = 'DRAFT' OR published_at IS NOT NULL"))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Post::Table, Post::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Post::Table, Post::AuthorId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The feeds: published posts newest first, a cluster's posts, events by start, calls by
        // deadline.
        for (name, columns) in [
            ("idx_post_status_published_at", vec![Post::Status, Post::PublishedAt]),
            ("idx_post_cluster_created_at", vec![Post::ClusterId, Post::CreatedAt]),
            ("idx_post_kind_starts_at", vec![Post::Kind, Post::StartsAt]),
            ("idx_post_kind_deadline", vec![Post::Kind, Post::Deadline]),
            ("idx_post_author", vec![Post::AuthorId]),
        ] {
            let mut index = Index::create().name(name).table(Post::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        for (table, value, length, index) in [
            (
                PostList::EcosystemTable,
                PostList::Ecosystem,
                40,
                "idx_post_ecosystem_value",
            ),
            (PostList::CountryTable, PostList::Country, 2, "idx_post_country_value"),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .col(uuid(PostList::PostId))
                        .col(string_len(value, length))
                        .primary_key(Index::create().col(PostList::PostId).col(value))
                        .foreign_key(
                            ForeignKey::create()
                                .from(table, PostList::PostId)
                                .to(Post::Table, Post::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
            // The filters read the table from the value's side.
            manager
                .create_index(
                    Index::create()
                        .name(index)
                        .table(table)
                        .col(value)
                        .col(PostList::PostId)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PostList::CountryTable.into_iden(),
            PostList::EcosystemTable.into_iden(),
            Post::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    ClusterId,
    AuthorId,
    Kind,
    Title,
    Summary,
    BodyMarkdown,
    BodyHtml,
    SearchText,
    ImageUrl,
    StartsAt,
    EndsAt,
    Place,
    OnlineUrl,
    RegistrationUrl,
    Deadline,
    Funding,
    Eligibility,
    Link,
    Status,
    PublishedAt,
    UnpublishReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostList {
    #[sea_orm(iden = "post_ecosystem")]
    EcosystemTable,
    #[sea_orm(iden = "post_country")]
    CountryTable,
    PostId,
    Ecosystem,
    Country,
}
