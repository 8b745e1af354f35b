//! DataLoaders: every nested field loads through here, so a page of N clusters with their members,
//! partnerships and partners costs one query per field, whatever N is.

use std::{collections::HashMap, future::Future, hash::Hash};

use async_graphql::dataloader::Loader;
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    event_participant, matchmaking_event, matchmaking_event_country, matchmaking_session, meeting, member,
    participant_available_slot, participant_offered_ecosystem, participant_sought_ecosystem, partner_organisation,
    partner_organisation_country, partner_search_country, partner_search_ecosystem, partnership, partnership_ecosystem,
    partnership_member, partnership_target_market, success_story, success_story_cluster,
    taxonomy::{Ecosystem, EmergingIndustry, InvitationState},
};
use sea_orm::{
    sea_query::Query, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select, TryGetable,
};
use uuid::Uuid;

use crate::{
    domain::{
        cluster::lists::{self as cluster_lists, ListTable},
        policy::{MatchmakingVisibility, Visibility},
    },
    error::{AppError, AppResult},
};

/// One per request: it knows what the caller may see.
pub struct Loaders {
    db: DatabaseConnection,
    visibility: Visibility,
    matchmaking: MatchmakingVisibility,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, visibility: Visibility, matchmaking: MatchmakingVisibility) -> Self {
        Self {
            db,
            visibility,
            matchmaking,
        }
    }

    fn visible_clusters(&self, ids: impl IntoIterator<Item = Uuid>) -> Select<cluster::Entity> {
        cluster::Entity::find()
            .filter(cluster::Column::Id.is_in(ids))
            .filter(self.visibility.condition())
    }
}

macro_rules! keys {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $name(pub Uuid);
        )+
    };
}

keys!(
    /// A cluster visible to the caller.
    ClusterById,
    MemberById,
    PartnershipById,
    SuccessStoryById,
    PartnerOrganisationById,
    /// A matchmaking event visible to the caller.
    MatchmakingEventById,
    /// A participant of an event, both visible to the caller.
    EventParticipantById,
    /// A meeting the caller takes part in or organises.
    MeetingById,
);

/// The rows of `E` with these ids, keyed as the loader's keys are.
async fn rows_by_id<E: EntityTrait, K: Hash + Eq>(
    db: &DatabaseConnection,
    id: E::Column,
    keys: &[K],
    uuid: fn(&K) -> Uuid,
    key: fn(&E::Model) -> K,
) -> AppResult<HashMap<K, E::Model>> {
    let rows = E::find().filter(id.is_in(keys.iter().map(uuid))).all(db).await?;
    Ok(rows.into_iter().map(|m| (key(&m), m)).collect())
}

impl Loader<ClusterById> for Loaders {
    type Value = cluster::Model;
    type Error = AppError;

    async fn load(&self, keys: &[ClusterById]) -> Result<HashMap<ClusterById, Self::Value>, Self::Error> {
        let rows = self.visible_clusters(keys.iter().map(|k| k.0)).all(&self.db).await?;
        Ok(rows.into_iter().map(|m| (ClusterById(m.id), m)).collect())
    }
}

impl Loader<MemberById> for Loaders {
    type Value = member::Model;
    type Error = AppError;

    async fn load(&self, keys: &[MemberById]) -> Result<HashMap<MemberById, Self::Value>, Self::Error> {
        let mut rows =
            rows_by_id::<member::Entity, _>(&self.db, member::Column::Id, keys, |k| k.0, |m| MemberById(m.id)).await?;
        // A member is visible when its cluster is.
        let visible: std::collections::HashSet<Uuid> = self
            .visible_clusters(rows.values().map(|m| m.cluster_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        rows.retain(|_, m| visible.contains(&m.cluster_id));
        Ok(rows)
    }
}

impl Loader<PartnershipById> for Loaders {
    type Value = partnership::Model;
    type Error = AppError;

    async fn load(&self, keys: &[PartnershipById]) -> Result<HashMap<PartnershipById, Self::Value>, Self::Error> {
        rows_by_id::<partnership::Entity, _>(
            &self.db,
            partnership::Column::Id,
            keys,
            |k| k.0,
            |m| PartnershipById(m.id),
        )
        .await
    }
}

impl Loader<SuccessStoryById> for Loaders {
    type Value = success_story::Model;
    type Error = AppError;

    async fn load(&self, keys: &[SuccessStoryById]) -> Result<HashMap<SuccessStoryById, Self::Value>, Self::Error> {
        rows_by_id::<success_story::Entity, _>(
            &self.db,
            success_story::Column::Id,
            keys,
            |k| k.0,
            |m| SuccessStoryById(m.id),
        )
        .await
    }
}

impl Loader<PartnerOrganisationById> for Loaders {
    type Value = partner_organisation::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PartnerOrganisationById],
    ) -> Result<HashMap<PartnerOrganisationById, Self::Value>, Self::Error> {
        rows_by_id::<partner_organisation::Entity, _>(
            &self.db,
            partner_organisation::Column::Id,
            keys,
            |k| k.0,
            |m| PartnerOrganisationById(m.id),
        )
        .await
    }
}

impl Loader<MatchmakingEventById> for Loaders {
    type Value = matchmaking_event::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[MatchmakingEventById],
    ) -> Result<HashMap<MatchmakingEventById, Self::Value>, Self::Error> {
        let rows = matchmaking_event::Entity::find()
            .filter(matchmaking_event::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .filter(self.matchmaking.events())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (MatchmakingEventById(m.id), m)).collect())
    }
}

impl Loader<EventParticipantById> for Loaders {
    type Value = event_participant::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[EventParticipantById],
    ) -> Result<HashMap<EventParticipantById, Self::Value>, Self::Error> {
        let visible_events = Query::select()
            .column(matchmaking_event::Column::Id)
            .from(matchmaking_event::Entity)
            .cond_where(self.matchmaking.events())
            .to_owned();
        let rows = event_participant::Entity::find()
            .filter(event_participant::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .filter(self.matchmaking.participants())
            .filter(event_participant::Column::EventId.in_subquery(visible_events))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (EventParticipantById(m.id), m)).collect())
    }
}

impl Loader<MeetingById> for Loaders {
    type Value = meeting::Model;
    type Error = AppError;

    async fn load(&self, keys: &[MeetingById]) -> Result<HashMap<MeetingById, Self::Value>, Self::Error> {
        let rows = meeting::Entity::find()
            .filter(meeting::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .filter(self.matchmaking.meetings())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (MeetingById(m.id), m)).collect())
    }
}

/// A list that belongs to a record (a cluster's ecosystems, a partnership's members): the key is
/// the owner's id, and one `fetch` reads the lists of every owner in the batch.
pub trait ListKind: Copy + Eq + Hash + Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;

    fn of(owner: Uuid) -> Self;
    fn owner(self) -> Uuid;
    /// The items of all these owners, each beside its owner's id, in the order a list shows them.
    fn fetch(loaders: &Loaders, owners: Vec<Uuid>) -> impl Future<Output = AppResult<Vec<(Uuid, Self::Item)>>> + Send;
}

impl<K: ListKind> Loader<K> for Loaders {
    type Value = Vec<K::Item>;
    type Error = AppError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, Self::Error> {
        let rows = K::fetch(self, keys.iter().map(|k| k.owner()).collect()).await?;
        // Every key gets an entry, empty when nothing matched.
        let mut lists: HashMap<K, Self::Value> = keys.iter().map(|&k| (k, Vec::new())).collect();
        for (owner, item) in rows {
            lists.entry(K::of(owner)).or_default().push(item);
        }
        Ok(lists)
    }
}

/// Declares each list: its key, what it holds, and how it is fetched.
macro_rules! lists {
    ($($(#[$meta:meta])* $name:ident: $item:ty = |$loaders:ident, $owners:ident| $fetch:expr;)+) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $name(pub Uuid);

            impl ListKind for $name {
                type Item = $item;

                fn of(owner: Uuid) -> Self {
                    Self(owner)
                }

                fn owner(self) -> Uuid {
                    self.0
                }

                async fn fetch($loaders: &Loaders, $owners: Vec<Uuid>) -> AppResult<Vec<(Uuid, $item)>> {
                    $fetch.await
                }
            }
        )+
    };
}

/// The values a join table holds for the owners, sorted by value: `table: OwnerColumn, ValueColumn`.
macro_rules! values {
    ($loaders:ident, $owners:ident, $table:ident: $owner:ident, $value:ident) => {
        values_of(
            &$loaders.db,
            $owners,
            $table::Entity,
            $table::Column::$owner,
            $table::Column::$value,
        )
    };
}

lists! {
    /// The members of a cluster, by name.
    MembersOf: member::Model = |l, owners| members_of(&l.db, owners);
    EcosystemsOf: Ecosystem = |l, owners| cluster_list::<cluster_ecosystem::Entity>(&l.db, owners);
    EmergingIndustriesOf: EmergingIndustry = |l, owners| cluster_list::<cluster_emerging_industry::Entity>(&l.db, owners);
    TechnologiesOf: String = |l, owners| cluster_list::<cluster_technology::Entity>(&l.db, owners);
    TargetCountriesOf: String = |l, owners| cluster_list::<cluster_target_country::Entity>(&l.db, owners);
    SearchEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, partner_search_ecosystem: PartnerSearchId, Ecosystem);
    SearchCountriesOf: String = |l, owners| values!(l, owners, partner_search_country: PartnerSearchId, Country);
    /// The partnerships a cluster belongs to, by name: accepted seats, and pending or declined
    /// ones for those who look after the cluster.
    PartnershipsOf: partnership::Model = |l, owners| partnerships_of(l, owners);
    /// The visible member clusters of a partnership, coordinator first.
    MembershipsOf: (partnership_member::Model, cluster::Model) = |l, owners| memberships_of(l, owners);
    PartnershipEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, partnership_ecosystem: PartnershipId, Ecosystem);
    TargetMarketsOf: String = |l, owners| values!(l, owners, partnership_target_market: PartnershipId, Country);
    /// The success stories a cluster is part of, newest first; unconfirmed ones only for those
    /// who look after the cluster.
    SuccessStoriesOf: success_story::Model = |l, owners| success_stories_of(l, owners);
    /// The visible clusters a story involves, by name; unconfirmed ones only for those who look
    /// after them.
    SuccessStoryClustersOf: cluster::Model = |l, owners| success_story_clusters_of(l, owners);
    /// The countries a partner organisation represents.
    PartnerOrganisationCountriesOf: String =
        |l, owners| values!(l, owners, partner_organisation_country: PartnerOrganisationId, Country);
    /// The countries a matchmaking event belongs to.
    EventCountriesOf: String = |l, owners| values!(l, owners, matchmaking_event_country: EventId, Country);
    /// The ecosystems a participant offers partners in.
    OfferedEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, participant_offered_ecosystem: ParticipantId, Ecosystem);
    /// The ecosystems a participant seeks partners in.
    SoughtEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, participant_sought_ecosystem: ParticipantId, Ecosystem);
    /// The slots a participant is available in, in order.
    AvailableSlotsOf: i32 = |l, owners| values!(l, owners, participant_available_slot: ParticipantId, Slot);
    /// The sessions of a matchmaking event, in time order.
    SessionsOf: matchmaking_session::Model = |l, owners| sessions_of(&l.db, owners);
}

async fn sessions_of(db: &DatabaseConnection, events: Vec<Uuid>) -> AppResult<Vec<(Uuid, matchmaking_session::Model)>> {
    let rows = matchmaking_session::Entity::find()
        .filter(matchmaking_session::Column::EventId.is_in(events))
        .order_by_asc(matchmaking_session::Column::Day)
        .order_by_asc(matchmaking_session::Column::StartMinute)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|s| (s.event_id, s)).collect())
}

/// A cluster's list through the domain's one reader of cluster lists.
async fn cluster_list<T: ListTable>(db: &DatabaseConnection, owners: Vec<Uuid>) -> AppResult<Vec<(Uuid, T::Value)>> {
    let lists = cluster_lists::read::<T, _>(db, &owners).await?;
    Ok(lists
        .into_iter()
        .flat_map(|(owner, values)| values.into_iter().map(move |value| (owner, value)))
        .collect())
}

async fn values_of<E: EntityTrait, V: TryGetable>(
    db: &DatabaseConnection,
    owners: Vec<Uuid>,
    _table: E,
    owner: E::Column,
    value: E::Column,
) -> AppResult<Vec<(Uuid, V)>> {
    Ok(E::find()
        .select_only()
        .column(owner)
        .column(value)
        .filter(owner.is_in(owners))
        .order_by_asc(value)
        .into_tuple()
        .all(db)
        .await?)
}

async fn members_of(db: &DatabaseConnection, clusters: Vec<Uuid>) -> AppResult<Vec<(Uuid, member::Model)>> {
    let rows = member::Entity::find()
        .filter(member::Column::ClusterId.is_in(clusters))
        .order_by_asc(member::Column::Name)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.cluster_id, m)).collect())
}

async fn partnerships_of(loaders: &Loaders, clusters: Vec<Uuid>) -> AppResult<Vec<(Uuid, partnership::Model)>> {
    // An invitation is not a partnership: others adding a cluster put nothing on its profile.
    let mut shown = Condition::any().add(partnership_member::Column::InvitationState.eq(InvitationState::Accepted));
    if let Some(own) = loaders.visibility.looked_after() {
        let own = Query::select()
            .column(cluster::Column::Id)
            .from(cluster::Entity)
            .cond_where(own)
            .to_owned();
        shown = shown.add(partnership_member::Column::ClusterId.in_subquery(own));
    }
    let db = &loaders.db;
    let rows = partnership_member::Entity::find()
        .filter(partnership_member::Column::ClusterId.is_in(clusters))
        .filter(shown)
        .find_also_related(partnership::Entity)
        .order_by_asc(partnership::Column::Name)
        .order_by_asc(partnership::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(m, p)| Some((m.cluster_id, p?))).collect())
}

async fn memberships_of(
    loaders: &Loaders,
    partnerships: Vec<Uuid>,
) -> AppResult<Vec<(Uuid, (partnership_member::Model, cluster::Model))>> {
    let rows = partnership_member::Entity::find()
        .filter(partnership_member::Column::PartnershipId.is_in(partnerships))
        .find_also_related(cluster::Entity)
        .filter(loaders.visibility.condition())
        .order_by_asc(partnership_member::Column::Role)
        .order_by_asc(cluster::Column::Name)
        .order_by_asc(cluster::Column::Id)
        .all(&loaders.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, c)| Some((m.partnership_id, (m, c?))))
        .collect())
}

/// Confirmed story links, and unconfirmed ones of the clusters the caller looks after (theirs
/// to answer).
fn confirmed_or_own(visibility: &Visibility) -> Condition {
    let mut shown = Condition::any().add(success_story_cluster::Column::Confirmed.eq(true));
    if let Some(own) = visibility.looked_after() {
        let own = Query::select()
            .column(cluster::Column::Id)
            .from(cluster::Entity)
            .cond_where(own)
            .to_owned();
        shown = shown.add(success_story_cluster::Column::ClusterId.in_subquery(own));
    }
    shown
}

async fn success_stories_of(loaders: &Loaders, clusters: Vec<Uuid>) -> AppResult<Vec<(Uuid, success_story::Model)>> {
    let db = &loaders.db;
    let rows = success_story_cluster::Entity::find()
        .filter(success_story_cluster::Column::ClusterId.is_in(clusters))
        .filter(confirmed_or_own(&loaders.visibility))
        .find_also_related(success_story::Entity)
        .order_by_desc(success_story::Column::CreatedAt)
        .order_by_desc(success_story::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(link, s)| Some((link.cluster_id, s?)))
        .collect())
}

async fn success_story_clusters_of(loaders: &Loaders, stories: Vec<Uuid>) -> AppResult<Vec<(Uuid, cluster::Model)>> {
    let rows = success_story_cluster::Entity::find()
        .filter(success_story_cluster::Column::SuccessStoryId.is_in(stories))
        .filter(confirmed_or_own(&loaders.visibility))
        .find_also_related(cluster::Entity)
        .filter(loaders.visibility.condition())
        .order_by_asc(cluster::Column::Name)
        .order_by_asc(cluster::Column::Id)
        .all(&loaders.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(link, c)| Some((link.success_story_id, c?)))
        .collect())
}
