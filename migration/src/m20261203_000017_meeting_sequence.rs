//! Agendas (issue 15, point 6): `meeting.sequence`, raised each time scheduling moves a meeting,
//! so a calendar that imported it knows the newer placement (iCalendar's SEQUENCE); and
//! `agenda_link`, the revocable link to a participant's calendar feed, kept as the SHA-256 of
//! its token only, so a leaked database reveals no working link.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Meeting::Table)
                    .add_column(integer(Meeting::Sequence).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaLink::Table)
                    // One link per participant: a new one replaces the old.
                    .col(pk_uuid(AgendaLink::ParticipantId))
                    .col(string_len(AgendaLink::TokenHash, 64))
                    .col(timestamp_with_time_zone(AgendaLink::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgendaLink::Table, AgendaLink::ParticipantId)
                            .to(EventParticipant::Table, EventParticipant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agenda_link_token_hash")
                    .table(AgendaLink::Table)
                    .col(AgendaLink::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgendaLink::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Meeting::Table)
                    .drop_column(Meeting::Sequence)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Sequence,
}

#[derive(DeriveIden)]
enum EventParticipant {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AgendaLink {
    Table,
    ParticipantId,
    TokenHash,
    CreatedAt,
}
