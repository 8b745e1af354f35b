//! The change feed (issue 18.4): one row per committed write of a cluster, partnership, success
//! story or matchmaking event, written in the write's own transaction. `seq` is NULL until a
//! reader numbers the rows committed so far (see `src/domain/change_feed.rs`), so the order of
//! the numbers is the order in which writes became visible, not the order they began in.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecordChange::Table)
                    // Insertion order: it orders the changes one numbering run finds.
                    .col(big_pk_auto(RecordChange::Id))
                    .col(big_integer_null(RecordChange::Seq))
                    .col(string_len(RecordChange::RecordType, 40))
                    .col(uuid(RecordChange::RecordId))
                    .col(string_len(RecordChange::Kind, 20))
                    .col(timestamp_with_time_zone(RecordChange::ChangedAt))
                    .to_owned(),
            )
            .await?;
        // Unique: two numbering runs can never hand out one number twice. It also finds the
        // rows still to number (`seq IS NULL`) and the lowest and highest numbers kept.
        manager
            .create_index(
                Index::create()
                    .name("idx_record_change_seq")
                    .table(RecordChange::Table)
                    .col(RecordChange::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A feed reads one record type's changes after a cursor.
        manager
            .create_index(
                Index::create()
                    .name("idx_record_change_type_seq")
                    .table(RecordChange::Table)
                    .col(RecordChange::RecordType)
                    .col(RecordChange::Seq)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RecordChange::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RecordChange {
    Table,
    Id,
    Seq,
    RecordType,
    RecordId,
    Kind,
    ChangedAt,
}
