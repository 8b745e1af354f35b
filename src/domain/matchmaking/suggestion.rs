//! Whom a participant might meet: the other approved participants of its event, ranked by the
//! partner recommendation's score and explained by its reasons, leaving out those it already
//! has a meeting with (in any state: a declined pair is not suggested again).

use std::collections::{HashMap, HashSet};

use entity::{
    cluster, cluster_ecosystem, cluster_target_country, cluster_technology, event_participant,
    participant_offered_ecosystem, participant_sought_ecosystem,
    taxonomy::{ClusterLabel, Ecosystem, ParticipantStatus},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{event, meeting, participant};
use crate::{
    auth::Principal,
    domain::{
        cluster::lists,
        recommendation::{self, Party, Reason, Traits},
    },
    error::{AppError, AppResult},
};

/// Most suggestions one call returns.
pub const MAX_SUGGESTIONS: usize = 50;

#[derive(Debug, Clone)]
pub struct Suggestion {
    pub participant: event_participant::Model,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// A participant's side of a score: what it says it offers and seeks, and for a cluster what
/// its profile says too.
struct Side {
    model: event_participant::Model,
    traits: Traits,
    label: ClusterLabel,
}

impl Side {
    fn party(&self) -> Party<'_> {
        Party {
            country: &self.model.country,
            traits: &self.traits,
            label: self.label,
            complete: self.model.website.is_some() && self.model.description.is_some(),
        }
    }
}

async fn sides<C: ConnectionTrait>(db: &C, participants: Vec<event_participant::Model>) -> AppResult<Vec<Side>> {
    let ids: Vec<Uuid> = participants.iter().map(|p| p.id).collect();
    let clusters: Vec<Uuid> = participants.iter().filter_map(|p| p.cluster_id).collect();
    let mut ecosystems: HashMap<Uuid, HashSet<Ecosystem>> = HashMap::new();
    for (owner, e) in participant_offered_ecosystem::Entity::find()
        .filter(participant_offered_ecosystem::Column::ParticipantId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.participant_id, r.ecosystem))
        .chain(
            participant_sought_ecosystem::Entity::find()
                .filter(participant_sought_ecosystem::Column::ParticipantId.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.participant_id, r.ecosystem)),
        )
    {
        ecosystems.entry(owner).or_default().insert(e);
    }
    let mut cluster_ecosystems = lists::read::<cluster_ecosystem::Entity, C>(db, &clusters).await?;
    let mut technologies = lists::read::<cluster_technology::Entity, C>(db, &clusters).await?;
    let mut target_countries = lists::read::<cluster_target_country::Entity, C>(db, &clusters).await?;
    let labels: HashMap<Uuid, ClusterLabel> = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(clusters.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.label))
        .collect();
    Ok(participants
        .into_iter()
        .map(|model| {
            let mut traits = Traits {
                ecosystems: ecosystems.remove(&model.id).unwrap_or_default(),
                ..Traits::default()
            };
            let mut label = ClusterLabel::None;
            if let Some(c) = model.cluster_id {
                traits
                    .ecosystems
                    .extend(cluster_ecosystems.remove(&c).unwrap_or_default());
                traits.technologies = technologies
                    .remove(&c)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| t.to_lowercase())
                    .collect();
                traits.target_countries = target_countries.remove(&c).unwrap_or_default().into_iter().collect();
                label = labels.get(&c).copied().unwrap_or(ClusterLabel::None);
            }
            Side { model, traits, label }
        })
        .collect())
}

/// The best `first` partners for a participant to meet, best first (equal scores by name): for
/// those who act for it and the organisers.
pub async fn suggest<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Principal>,
    participant_id: Uuid,
    first: usize,
) -> AppResult<Vec<Suggestion>> {
    let actor = actor.ok_or_else(|| AppError::Unauthenticated("sign in to see suggested meetings".into()))?;
    if !(1..=MAX_SUGGESTIONS).contains(&first) {
        return Err(AppError::bad_field(
            "first",
            format!("must be from 1 to {MAX_SUGGESTIONS}"),
        ));
    }
    let source = participant::context(db, participant_id).await?;
    let event = event::context(db, source.participant.event_id).await?;
    if !source.acts_for(actor) && !event.organised_by(actor) {
        return Err(AppError::Forbidden(
            "suggested meetings are for those who act for the participant and the organisers".into(),
        ));
    }
    let paired: HashSet<Uuid> = meeting::paired_with(db, participant_id).await?.into_iter().collect();
    let mut candidates: Vec<event_participant::Model> = event_participant::Entity::find()
        .filter(event_participant::Column::EventId.eq(event.event.id))
        .filter(event_participant::Column::Status.eq(ParticipantStatus::Approved))
        .all(db)
        .await?;
    // The kinds the event does not allow cannot be requested, so they are not suggested.
    candidates.retain(|c| {
        c.id != participant_id
            && !paired.contains(&c.id)
            && event.allows(meeting::kind_of(source.participant.kind, c.kind))
    });
    let mut all = sides(db, candidates).await?;
    let me = sides(db, vec![source.participant.clone()])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("a participant's own side could not be built"))?;
    let mut ranked: Vec<Suggestion> = all
        .drain(..)
        .filter_map(|c| {
            let reasons = recommendation::reasons(&me.party(), &c.party());
            recommendation::in_common(&reasons).then(|| Suggestion {
                score: reasons.iter().map(|r| r.points).sum(),
                reasons,
                participant: c.model,
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.participant.name.cmp(&b.participant.name))
            .then_with(|| a.participant.id.cmp(&b.participant.id))
    });
    ranked.truncate(first);
    Ok(ranked)
}
