//! Matchmaking events: an event with its countries, organisers and sessions; its participants
//! (a cluster, or a business with the users who act for it) with what they offer and seek and
//! the slots they are available in; and the meetings between them.
//!
//! Slots are not stored: an event's sessions, in time order, cut into slot-length pieces and
//! numbered from 0, are its slots, so a participant's availability and a meeting's place are
//! slot numbers. A meeting's slot and table stay null until it is scheduled; `pinned` keeps an
//! organiser's placement when the scheduler runs again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MatchmakingEvent::Table)
                    .col(pk_uuid(MatchmakingEvent::Id))
                    .col(string_len(MatchmakingEvent::Name, 200))
                    .col(text_null(MatchmakingEvent::Description))
                    .col(string_len_null(MatchmakingEvent::Venue, 300))
                    .col(string_len_null(MatchmakingEvent::OnlineUrl, 500))
                    .col(string_len(MatchmakingEvent::TimeZone, 64))
                    .col(integer(MatchmakingEvent::SlotMinutes))
                    .col(integer(MatchmakingEvent::TableCount))
                    .col(timestamp_with_time_zone(MatchmakingEvent::RegistrationDeadline))
                    .col(timestamp_with_time_zone(MatchmakingEvent::RequestDeadline))
                    .col(boolean(MatchmakingEvent::AllowsC2c))
                    .col(boolean(MatchmakingEvent::AllowsC2b))
                    .col(boolean(MatchmakingEvent::AllowsB2b))
                    .col(string_len(MatchmakingEvent::Status, 40))
                    .col(integer(MatchmakingEvent::Version))
                    .col(timestamp_with_time_zone(MatchmakingEvent::CreatedAt))
                    .col(timestamp_with_time_zone(MatchmakingEvent::UpdatedAt))
                    .check(Expr::cust("slot_minutes BETWEEN 5 AND 240"))
                    .check(Expr::cust("table_count BETWEEN 1 AND 1000"))
                    .check(Expr::cust("request_deadline >= registration_deadline"))
                    .check(Expr::cust("allows_c2c OR allows_c2b OR allows_b2b"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_matchmaking_event_status")
                    .table(MatchmakingEvent::Table)
                    .col(MatchmakingEvent::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MatchmakingEventCountry::Table)
                    .col(uuid(MatchmakingEventCountry::EventId))
                    .col(string_len(MatchmakingEventCountry::Country, 2))
                    .primary_key(
                        Index::create()
                            .col(MatchmakingEventCountry::EventId)
                            .col(MatchmakingEventCountry::Country),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MatchmakingEventCountry::Table, MatchmakingEventCountry::EventId)
                            .to(MatchmakingEvent::Table, MatchmakingEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The filter by country reads the table from the country's side.
        manager
            .create_index(
                Index::create()
                    .name("idx_matchmaking_event_country_country")
                    .table(MatchmakingEventCountry::Table)
                    .col(MatchmakingEventCountry::Country)
                    .col(MatchmakingEventCountry::EventId)
                    .to_owned(),
            )
            .await?;
        user_link(
            manager,
            EventOrganiser::Table,
            EventOrganiser::EventId,
            MatchmakingEvent::Table,
            MatchmakingEvent::Id,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(MatchmakingSession::Table)
                    .col(pk_uuid(MatchmakingSession::Id))
                    .col(uuid(MatchmakingSession::EventId))
                    .col(date(MatchmakingSession::Day))
                    .col(integer(MatchmakingSession::StartMinute))
                    .col(integer(MatchmakingSession::EndMinute))
                    .check(Expr::cust(
                        "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MatchmakingSession::Table, MatchmakingSession::EventId)
                            .to(MatchmakingEvent::Table, MatchmakingEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_matchmaking_session_event_day")
                    .table(MatchmakingSession::Table)
                    .col(MatchmakingSession::EventId)
                    .col(MatchmakingSession::Day)
                    .col(MatchmakingSession::StartMinute)
                    .to_owned(),
            )
            .await?;
        // The filter by date reads sessions from the day's side.
        manager
            .create_index(
                Index::create()
                    .name("idx_matchmaking_session_day")
                    .table(MatchmakingSession::Table)
                    .col(MatchmakingSession::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventParticipant::Table)
                    .col(pk_uuid(EventParticipant::Id))
                    .col(uuid(EventParticipant::EventId))
                    .col(string_len(EventParticipant::Kind, 40))
                    .col(uuid_null(EventParticipant::ClusterId))
                    .col(string_len(EventParticipant::Name, 200))
                    .col(string_len(EventParticipant::Country, 2))
                    .col(string_len_null(EventParticipant::OrganisationKind, 40))
                    .col(text_null(EventParticipant::Description))
                    .col(string_len_null(EventParticipant::Website, 500))
                    .col(text_null(EventParticipant::Offers))
                    .col(text_null(EventParticipant::Seeks))
                    .col(integer(EventParticipant::MaxMeetings))
                    .col(string_len(EventParticipant::Status, 40))
                    .col(text_null(EventParticipant::ReviewNote))
                    .col(integer(EventParticipant::Version))
                    .col(timestamp_with_time_zone(EventParticipant::CreatedAt))
                    .col(timestamp_with_time_zone(EventParticipant::UpdatedAt))
                    .check(Expr::cust("max_meetings BETWEEN 1 AND 100"))
                    // A cluster participant names its cluster; a business has its own kind.
                    .check(Expr::cust(
                        "(kind = 'CLUSTER' AND cluster_id IS NOT NULL AND organisation_kind IS NULL) \
                         OR (kind = 'BUSINESS' AND cluster_id IS NULL AND organisation_kind IS NOT NULL)",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventParticipant::Table, EventParticipant::EventId)
                            .to(MatchmakingEvent::Table, MatchmakingEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventParticipant::Table, EventParticipant::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A cluster takes part once per event (NULLs, the businesses, are distinct).
        manager
            .create_index(
                Index::create()
                    .name("idx_event_participant_cluster_once")
                    .table(EventParticipant::Table)
                    .col(EventParticipant::EventId)
                    .col(EventParticipant::ClusterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_event_participant_event_status_name",
                vec![
                    EventParticipant::EventId,
                    EventParticipant::Status,
                    EventParticipant::Name,
                ],
            ),
            ("idx_event_participant_cluster", vec![EventParticipant::ClusterId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(EventParticipant::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        user_link(
            manager,
            ParticipantUser::Table,
            ParticipantUser::ParticipantId,
            EventParticipant::Table,
            EventParticipant::Id,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ParticipantAvailableSlot::Table)
                    .col(uuid(ParticipantAvailableSlot::ParticipantId))
                    .col(integer(ParticipantAvailableSlot::Slot))
                    .primary_key(
                        Index::create()
                            .col(ParticipantAvailableSlot::ParticipantId)
                            .col(ParticipantAvailableSlot::Slot),
                    )
                    .check(Expr::cust("slot >= 0"))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ParticipantAvailableSlot::Table, ParticipantAvailableSlot::ParticipantId)
                            .to(EventParticipant::Table, EventParticipant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for table in [
            ParticipantEcosystem::OfferedTable.into_iden(),
            ParticipantEcosystem::SoughtTable.into_iden(),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table.clone())
                        .col(uuid(ParticipantEcosystem::ParticipantId))
                        .col(string_len(ParticipantEcosystem::Ecosystem, 40))
                        .primary_key(
                            Index::create()
                                .col(ParticipantEcosystem::ParticipantId)
                                .col(ParticipantEcosystem::Ecosystem),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .from(table, ParticipantEcosystem::ParticipantId)
                                .to(EventParticipant::Table, EventParticipant::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Meeting::Table)
                    .col(pk_uuid(Meeting::Id))
                    .col(uuid(Meeting::EventId))
                    .col(uuid(Meeting::FromParticipantId))
                    .col(uuid(Meeting::ToParticipantId))
                    .col(string_len(Meeting::Kind, 40))
                    .col(string_len(Meeting::State, 40))
                    .col(text_null(Meeting::Message))
                    .col(text_null(Meeting::Reason))
                    .col(string_len_null(Meeting::LivePair, 80))
                    .col(integer_null(Meeting::Slot))
                    .col(integer_null(Meeting::TableNumber))
                    .col(boolean(Meeting::Pinned).default(false))
                    .col(integer(Meeting::Version))
                    .col(timestamp_with_time_zone(Meeting::CreatedAt))
                    .col(timestamp_with_time_zone(Meeting::UpdatedAt))
                    .check(Expr::cust("from_participant_id <> to_participant_id"))
                    .check(Expr::cust("(slot IS NULL) = (table_number IS NULL)"))
                    .check(Expr::cust("slot IS NULL OR (slot >= 0 AND table_number >= 0)"))
                    .check(Expr::cust("NOT pinned OR slot IS NOT NULL"))
                    .check(Expr::cust("slot IS NULL OR state = 'ACCEPTED'"))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::EventId)
                            .to(MatchmakingEvent::Table, MatchmakingEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::FromParticipantId)
                            .to(EventParticipant::Table, EventParticipant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::ToParticipantId)
                            .to(EventParticipant::Table, EventParticipant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One live (requested or accepted) meeting per pair: `live_pair` holds the pair's two
        // ids in order while the meeting lives and NULL after, and NULLs are distinct.
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_live_pair_once")
                    .table(Meeting::Table)
                    .col(Meeting::EventId)
                    .col(Meeting::LivePair)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Nobody in two meetings at once is the scheduler's rule; one meeting per table and slot
        // is the database's too.
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_place_once")
                    .table(Meeting::Table)
                    .col(Meeting::EventId)
                    .col(Meeting::Slot)
                    .col(Meeting::TableNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_meeting_from_participant", Meeting::FromParticipantId),
            ("idx_meeting_to_participant", Meeting::ToParticipantId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Meeting::Table)
                        .col(column)
                        .col(Meeting::State)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_meeting_event_state")
                    .table(Meeting::Table)
                    .col(Meeting::EventId)
                    .col(Meeting::State)
                    .col(Meeting::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Meeting::Table.into_iden(),
            ParticipantEcosystem::SoughtTable.into_iden(),
            ParticipantEcosystem::OfferedTable.into_iden(),
            ParticipantAvailableSlot::Table.into_iden(),
            ParticipantUser::Table.into_iden(),
            EventParticipant::Table.into_iden(),
            MatchmakingSession::Table.into_iden(),
            EventOrganiser::Table.into_iden(),
            MatchmakingEventCountry::Table.into_iden(),
            MatchmakingEvent::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// A join table of users to an owner (an event's organisers, a participant's users), with the
/// index that finds a user's rows.
async fn user_link(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    owner: impl IntoIden,
    owner_table: impl IntoIden,
    owner_id: impl IntoIden,
) -> Result<(), DbErr> {
    let (table, owner) = (table.into_iden(), owner.into_iden());
    manager
        .create_table(
            Table::create()
                .table(table.clone())
                .col(uuid(owner.clone()))
                .col(uuid(UserLink::UserId))
                .primary_key(Index::create().col(owner.clone()).col(UserLink::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .from(table.clone(), owner)
                        .to(owner_table, owner_id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(table.clone(), UserLink::UserId)
                        .to(User::Table, User::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{table}_user"))
                .table(table)
                .col(UserLink::UserId)
                .to_owned(),
        )
        .await
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
enum UserLink {
    UserId,
}

#[derive(DeriveIden)]
enum MatchmakingEvent {
    Table,
    Id,
    Name,
    Description,
    Venue,
    OnlineUrl,
    TimeZone,
    SlotMinutes,
    TableCount,
    RegistrationDeadline,
    RequestDeadline,
    AllowsC2c,
    AllowsC2b,
    AllowsB2b,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MatchmakingEventCountry {
    Table,
    EventId,
    Country,
}

#[derive(DeriveIden)]
enum EventOrganiser {
    Table,
    EventId,
}

#[derive(DeriveIden)]
enum MatchmakingSession {
    Table,
    Id,
    EventId,
    Day,
    StartMinute,
    EndMinute,
}

#[derive(DeriveIden)]
enum EventParticipant {
    Table,
    Id,
    EventId,
    Kind,
    ClusterId,
    Name,
    Country,
    OrganisationKind,
    Description,
    Website,
    Offers,
    Seeks,
    MaxMeetings,
    Status,
    ReviewNote,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ParticipantUser {
    Table,
    ParticipantId,
}

#[derive(DeriveIden)]
enum ParticipantAvailableSlot {
    Table,
    ParticipantId,
    Slot,
}

#[derive(DeriveIden)]
enum ParticipantEcosystem {
    #[sea_orm(iden = "participant_offered_ecosystem")]
    OfferedTable,
    #[sea_orm(iden = "participant_sought_ecosystem")]
    SoughtTable,
    ParticipantId,
    Ecosystem,
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
    EventId,
    FromParticipantId,
    ToParticipantId,
    Kind,
    State,
    Message,
    Reason,
    LivePair,
    Slot,
    TableNumber,
    Pinned,
    Version,
    CreatedAt,
    UpdatedAt,
}
