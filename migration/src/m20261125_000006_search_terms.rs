use sea_orm_migration::{prelude::*, schema::*};

/// The vocabulary of the search documents, so a word with a typo is corrected against real
/// words first and then searched as usual, instead of comparing it with every document.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchTerm::Table)
                    .col(string_len(SearchTerm::Term, 40).primary_key())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchTerm::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SearchTerm {
    Table,
    Term,
}
