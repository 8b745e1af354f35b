//! What came of a meeting (issue 15 point 8): one outcome per held meeting, recorded after the
//! event by either side or an organiser; and a success story's link to the meeting and event it
//! began at.
//!
//! `meeting_outcome.event_id` repeats the meeting's event so that an event's statistics group
//! its outcomes without a join. The story's two links carry no foreign key: SQLite cannot add
//! one to an existing table, and a story outlives the event it names (the API shows a link to a
//! deleted meeting as null).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MeetingOutcome::Table)
                    .col(pk_uuid(MeetingOutcome::Id))
                    .col(uuid_uniq(MeetingOutcome::MeetingId))
                    .col(uuid(MeetingOutcome::EventId))
                    .col(string_len(MeetingOutcome::Kind, 40))
                    .col(text_null(MeetingOutcome::Note))
                    .col(date(MeetingOutcome::Date))
                    .col(uuid_null(MeetingOutcome::RecordedBy))
                    .col(integer(MeetingOutcome::Version))
                    .col(timestamp_with_time_zone(MeetingOutcome::CreatedAt))
                    .col(timestamp_with_time_zone(MeetingOutcome::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingOutcome::Table, MeetingOutcome::MeetingId)
                            .to(Meeting::Table, Meeting::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingOutcome::Table, MeetingOutcome::EventId)
                            .to(MatchmakingEvent::Table, MatchmakingEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingOutcome::Table, MeetingOutcome::RecordedBy)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_outcome_event_kind")
                    .table(MeetingOutcome::Table)
                    .col(MeetingOutcome::EventId)
                    .col(MeetingOutcome::Kind)
                    .to_owned(),
            )
            .await?;
        for column in [SuccessStory::MeetingId, SuccessStory::MatchmakingEventId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SuccessStory::Table)
                        .add_column(uuid_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [SuccessStory::MeetingId, SuccessStory::MatchmakingEventId] {
            manager
                .alter_table(Table::alter().table(SuccessStory::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(MeetingOutcome::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MeetingOutcome {
    Table,
    Id,
    MeetingId,
    EventId,
    Kind,
    Note,
    Date,
    RecordedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MatchmakingEvent {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SuccessStory {
    Table,
    MeetingId,
    MatchmakingEventId,
}
