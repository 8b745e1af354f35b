//! Matchmaking events in GraphQL (issue 15): events, their participants, meeting requests and
//! suggestions. Object types, inputs and mutations of each concern in a file of its own.

pub mod agenda;
pub mod event;
pub mod live;
pub mod meeting;
pub mod outcome;
pub mod participant;
pub mod schedule;
pub mod statistics;

use async_graphql::MergedObject;

/// Matchmaking events and what hangs off them.
#[derive(MergedObject, Default)]
pub struct MatchmakingQuery(event::EventQuery, statistics::StatisticsQuery);

/// Changes to matchmaking events, their participants and meetings.
#[derive(MergedObject, Default)]
pub struct MatchmakingMutation(
    event::EventMutation,
    participant::ParticipantMutation,
    meeting::MeetingMutation,
    schedule::ScheduleMutation,
    agenda::AgendaMutation,
    outcome::OutcomeMutation,
);
