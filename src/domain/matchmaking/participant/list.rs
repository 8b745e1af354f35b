//! Lists of an event's participants: the filter (country, kind, status, ecosystem, text), the order by name, and the count.

use entity::{
    event_participant as row, participant_offered_ecosystem, participant_sought_ecosystem,
    taxonomy::{Ecosystem, ParticipantKind, ParticipantStatus},
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    domain::{
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::MatchmakingVisibility,
        search::like_pattern,
        validation::Checker,
    },
    error::AppResult,
};

const QUERY_MAX: usize = 200;

/// Narrows an event's participants. Values within a field are alternatives; fields combine.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub countries: Vec<String>,
    pub kinds: Vec<ParticipantKind>,
    pub statuses: Vec<ParticipantStatus>,
    /// Participants that offer or seek one of these.
    pub ecosystems: Vec<Ecosystem>,
    /// Words found in the name, description, offers or seeks.
    pub query: Option<String>,
}

impl ParticipantFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        check.optional_name("filter.query", &mut self.query, QUERY_MAX);
        check.finish()
    }

    fn condition(&self, visibility: &MatchmakingVisibility, event_id: Uuid) -> Condition {
        let mut cond = Condition::all()
            .add(row::Column::EventId.eq(event_id))
            .add(visibility.participants());
        if !self.countries.is_empty() {
            cond = cond.add(row::Column::Country.is_in(self.countries.clone()));
        }
        if !self.kinds.is_empty() {
            cond = cond.add(row::Column::Kind.is_in(self.kinds.clone()));
        }
        if !self.statuses.is_empty() {
            cond = cond.add(row::Column::Status.is_in(self.statuses.clone()));
        }
        if !self.ecosystems.is_empty() {
            let offered = Query::select()
                .column(participant_offered_ecosystem::Column::ParticipantId)
                .from(participant_offered_ecosystem::Entity)
                .and_where(participant_offered_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                .to_owned();
            let sought = Query::select()
                .column(participant_sought_ecosystem::Column::ParticipantId)
                .from(participant_sought_ecosystem::Entity)
                .and_where(participant_sought_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                .to_owned();
            cond = cond.add(
                Condition::any()
                    .add(row::Column::Id.in_subquery(offered))
                    .add(row::Column::Id.in_subquery(sought)),
            );
        }
        if let Some(query) = &self.query {
            for word in query.split_whitespace() {
                let document = Func::lower(Expr::cust(
                    "event_participant.name || ' ' || coalesce(event_participant.description, '') || ' ' || \
                     coalesce(event_participant.offers, '') || ' ' || coalesce(event_participant.seeks, '')",
                ));
                cond = cond.add(document.like(LikeExpr::new(like_pattern(&word.to_lowercase())).escape('\\')));
            }
        }
        cond
    }
}

const BY_NAME: Keyset<row::Entity> = Keyset {
    name: "NAME",
    column: row::Column::Name,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Text(m.name.clone()), m.id),
};

/// An event's participants the caller may see, by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    event_id: Uuid,
    filter: &ParticipantFilter,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    keyset_page(
        db,
        row::Entity::find().filter(filter.condition(visibility, event_id)),
        &BY_NAME,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    event_id: Uuid,
    filter: &ParticipantFilter,
) -> AppResult<u64> {
    Ok(row::Entity::find()
        .filter(filter.condition(visibility, event_id))
        .count(db)
        .await?)
}
