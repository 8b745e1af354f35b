//! Lists of events: the filter, the order by first session, and the count.

use chrono::NaiveDate;
use entity::{
    matchmaking_event as row, matchmaking_event_country, matchmaking_session,
    taxonomy::MatchmakingEventStatus as Status,
};
use sea_orm::{sea_query::Query, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    domain::{
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::MatchmakingVisibility,
        validation::Checker,
    },
    error::AppResult,
};

/// Narrows the list of events. Values within a field are alternatives; fields combine.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub statuses: Vec<Status>,
    pub countries: Vec<String>,
    /// Events with a session on or after this day.
    pub from: Option<NaiveDate>,
    /// Events with a session on or before this day.
    pub to: Option<NaiveDate>,
    /// Events changed at or after this moment.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl EventFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                check.fail("filter.to", "must not be before filter.from");
            }
        }
        check.finish()
    }

    fn condition(&self, visibility: &MatchmakingVisibility) -> Condition {
        let mut cond = Condition::all().add(visibility.events());
        if !self.statuses.is_empty() {
            cond = cond.add(row::Column::Status.is_in(self.statuses.clone()));
        }
        if let Some(since) = self.updated_since {
            cond = cond.add(row::Column::UpdatedAt.gte(since));
        }
        if !self.countries.is_empty() {
            cond = cond.add(
                row::Column::Id.in_subquery(
                    Query::select()
                        .column(matchmaking_event_country::Column::EventId)
                        .from(matchmaking_event_country::Entity)
                        .and_where(matchmaking_event_country::Column::Country.is_in(self.countries.clone()))
                        .to_owned(),
                ),
            );
        }
        if self.from.is_some() || self.to.is_some() {
            let mut sessions = Query::select()
                .column(matchmaking_session::Column::EventId)
                .from(matchmaking_session::Entity)
                .to_owned();
            if let Some(from) = self.from {
                sessions.and_where(matchmaking_session::Column::Day.gte(from));
            }
            if let Some(to) = self.to {
                sessions.and_where(matchmaking_session::Column::Day.lte(to));
            }
            cond = cond.add(row::Column::Id.in_subquery(sessions));
        }
        cond
    }
}

/// Events by registration deadline, soonest first: what someone browsing them wants to act on.
const BY_DEADLINE: Keyset<row::Entity> = Keyset {
    name: "REGISTRATION_DEADLINE",
    column: row::Column::RegistrationDeadline,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.registration_deadline), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    filter: &EventFilter,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    keyset_page(
        db,
        row::Entity::find().filter(filter.condition(visibility)),
        &BY_DEADLINE,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    filter: &EventFilter,
) -> AppResult<u64> {
    Ok(row::Entity::find()
        .filter(filter.condition(visibility))
        .count(db)
        .await?)
}
