//! Matchmaking events (issue 15): events with their sessions and slots, the participants who
//! register for them, the meetings they request of one another, and suggestions of whom to meet.
//! The scheduler that places accepted meetings into slots and tables is a pure core of its own.

pub mod agenda;
pub mod event;
pub mod meeting;
pub mod participant;
pub mod schedule;
pub mod statistics;
pub mod suggestion;

pub use event::{EventFilter, EventPatch, NewEvent, Session};
