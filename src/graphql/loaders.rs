//! DataLoaders: every nested field loads through here, so a page of N clusters with their members,
//! partnerships and partners costs one query per level of nesting (the nested connections, read
//! together by [`PageOf`]) or per field (the plain lists), whatever N is.
//!
//! Long because async-graphql wants every loader as an `impl Loader<Key> for Loaders` on the one
//! request-scoped struct: the keys, their visibility rules and their queries stay side by side so
//! that one reading shows what each nested field costs. The SQL of nested pages lives in
//! `domain::nested_pages`.

use std::{collections::HashMap, future::Future, hash::Hash};

use async_graphql::dataloader::Loader;
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology,
    cluster_translation, digest_subscriber_topic, event_participant, matchmaking_event, matchmaking_event_country,
    matchmaking_session, meeting, member, participant_available_slot, participant_offered_ecosystem,
    participant_sought_ecosystem, partner_organisation, partner_organisation_country, partner_search_country,
    partner_search_ecosystem, partnership, partnership_ecosystem, partnership_member, partnership_target_market, post,
    post_country, post_ecosystem, post_translation, success_story, success_story_cluster, success_story_translation,
    taxonomy::{Ecosystem, EmergingIndustry, InvitationState},
};
use sea_orm::{
    sea_query::{ColumnRef, Expr, ExprTrait, IntoColumnRef, Query},
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, TryGetable,
};
use uuid::Uuid;

use crate::{
    db::rows,
    domain::{
        cluster::lists::{self as cluster_lists, ListTable},
        nested_pages::{self, ItemTable, ListQuery, ListRow},
        pagination::{OffsetRange, OffsetRequest},
        policy::{MatchmakingVisibility, PostVisibility, StoryVisibility, Visibility},
    },
    error::{AppError, AppResult},
};

/// One per request: it knows what the caller may see.
pub struct Loaders {
    db: DatabaseConnection,
    visibility: Visibility,
    matchmaking: MatchmakingVisibility,
    posts: PostVisibility,
    stories: StoryVisibility,
    /// Who asks, for the records a domain rule decides on rather than a visibility condition
    /// (`guarded_loaders`).
    principal: Option<crate::auth::Principal>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, visibility: Visibility, matchmaking: MatchmakingVisibility) -> Self {
        Self {
            db,
            visibility,
            matchmaking,
            posts: PostVisibility::of(None),
            stories: StoryVisibility::of(None),
            principal: None,
        }
    }

    /// The loaders with who asks (none: anonymous).
    pub fn with_principal(self, principal: Option<crate::auth::Principal>) -> Self {
        Self { principal, ..self }
    }

    pub(crate) fn principal(&self) -> Option<&crate::auth::Principal> {
        self.principal.as_ref()
    }

    pub(crate) fn visibility(&self) -> &Visibility {
        &self.visibility
    }

    /// The connection, for loaders declared beside the types they serve.
    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The loaders with what the caller sees of posts (published ones only, unless told).
    pub fn with_posts(self, posts: PostVisibility) -> Self {
        Self { posts, ..self }
    }

    /// The loaders with what the caller sees of success stories (published ones only, unless told).
    pub fn with_stories(self, stories: StoryVisibility) -> Self {
        Self { stories, ..self }
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
    /// A success story the caller sees: published, or one it wrote, edits or moderates.
    SuccessStoryById,
    PartnerOrganisationById,
    /// A matchmaking event visible to the caller.
    MatchmakingEventById,
    /// A participant of an event, both visible to the caller.
    EventParticipantById,
    /// A meeting the caller takes part in or organises.
    MeetingById,
    /// A post the caller sees: published, or its own or its cluster's.
    PostById,
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
        let rows = rows::all(&self.db, self.visible_clusters(keys.iter().map(|k| k.0))).await?;
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
        let rows = success_story::Entity::find()
            .filter(success_story::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .filter(self.stories.condition())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (SuccessStoryById(m.id), m)).collect())
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

impl Loader<PostById> for Loaders {
    type Value = post::Model;
    type Error = AppError;

    async fn load(&self, keys: &[PostById]) -> Result<HashMap<PostById, Self::Value>, Self::Error> {
        let rows = post::Entity::find()
            .filter(post::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .filter(self.posts.condition())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (PostById(m.id), m)).collect())
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
    EcosystemsOf: Ecosystem = |l, owners| cluster_list::<cluster_ecosystem::Entity>(&l.db, owners);
    EmergingIndustriesOf: EmergingIndustry = |l, owners| cluster_list::<cluster_emerging_industry::Entity>(&l.db, owners);
    TechnologiesOf: String = |l, owners| cluster_list::<cluster_technology::Entity>(&l.db, owners);
    TargetCountriesOf: String = |l, owners| cluster_list::<cluster_target_country::Entity>(&l.db, owners);
    SearchEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, partner_search_ecosystem: PartnerSearchId, Ecosystem);
    SearchCountriesOf: String = |l, owners| values!(l, owners, partner_search_country: PartnerSearchId, Country);
    PartnershipEcosystemsOf: Ecosystem =
        |l, owners| values!(l, owners, partnership_ecosystem: PartnershipId, Ecosystem);
    TargetMarketsOf: String = |l, owners| values!(l, owners, partnership_target_market: PartnershipId, Country);
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
    /// A participant's scheduled meetings in slot order: for those who act for it and its
    /// organisers (empty for everyone else).
    AgendaOf: meeting::Model = |l, owners| agenda_of(l, owners);
    /// The ecosystems a post concerns.
    PostEcosystemsOf: Ecosystem = |l, owners| values!(l, owners, post_ecosystem: PostId, Ecosystem);
    /// The countries a post concerns.
    PostCountriesOf: String = |l, owners| values!(l, owners, post_country: PostId, Country);
    /// A post's translations, by language: the texts a reader's language is negotiated among.
    PostTranslationsOf: post_translation::Model = |l, owners| {
        use post_translation::Column as C;
        translations_of::<post_translation::Entity>(&l.db, owners, (C::PostId, C::Language), |t| t.post_id)
    };
    /// A cluster's description in its other languages, by language.
    ClusterTranslationsOf: cluster_translation::Model = |l, owners| {
        use cluster_translation::Column as C;
        translations_of::<cluster_translation::Entity>(&l.db, owners, (C::ClusterId, C::Language), |t| t.cluster_id)
    };
    /// A success story's texts in its other languages, by language.
    SuccessStoryTranslationsOf: success_story_translation::Model = |l, owners| {
        use success_story_translation::Column as C;
        translations_of::<success_story_translation::Entity>(&l.db, owners, (C::SuccessStoryId, C::Language), |t| {
            t.success_story_id
        })
    };
    /// A digest subscriber's topics of every kind, by kind and value.
    DigestTopicsOf: digest_subscriber_topic::Model = |l, owners| digest_topics_of(&l.db, owners);
}

async fn digest_topics_of(
    db: &DatabaseConnection,
    subscribers: Vec<Uuid>,
) -> AppResult<Vec<(Uuid, digest_subscriber_topic::Model)>> {
    let rows = digest_subscriber_topic::Entity::find()
        .filter(digest_subscriber_topic::Column::SubscriberId.is_in(subscribers))
        .order_by_asc(digest_subscriber_topic::Column::SubscriberId)
        .order_by_asc(digest_subscriber_topic::Column::Kind)
        .order_by_asc(digest_subscriber_topic::Column::Value)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|t| (t.subscriber_id, t)).collect())
}

/// The translations of a page of records (posts, clusters, stories) in one statement, each
/// record's by language: the texts a reader's language is negotiated among.
async fn translations_of<E: EntityTrait>(
    db: &DatabaseConnection,
    owners: Vec<Uuid>,
    (owner, language): (E::Column, E::Column),
    owner_of: fn(&E::Model) -> Uuid,
) -> AppResult<Vec<(Uuid, E::Model)>> {
    let rows = E::find()
        .filter(owner.is_in(owners))
        .order_by_asc(owner)
        .order_by_asc(language)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|t| (owner_of(&t), t)).collect())
}

async fn agenda_of(l: &Loaders, owners: Vec<Uuid>) -> AppResult<Vec<(Uuid, meeting::Model)>> {
    use entity::taxonomy::MeetingState;
    let allowed: Vec<Uuid> = event_participant::Entity::find()
        .select_only()
        .column(event_participant::Column::Id)
        .filter(event_participant::Column::Id.is_in(owners))
        .filter(
            Condition::any().add(l.matchmaking.own_participants()).add(
                l.matchmaking
                    .organised(event_participant::Column::EventId, event_participant::Entity),
            ),
        )
        .into_tuple()
        .all(&l.db)
        .await?;
    if allowed.is_empty() {
        return Ok(Vec::new());
    }
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::State.eq(MeetingState::Accepted))
        .filter(meeting::Column::Slot.is_not_null())
        .filter(
            Condition::any()
                .add(meeting::Column::FromParticipantId.is_in(allowed.clone()))
                .add(meeting::Column::ToParticipantId.is_in(allowed.clone())),
        )
        .order_by_asc(meeting::Column::Slot)
        .all(&l.db)
        .await?;
    let mut out = Vec::with_capacity(meetings.len());
    for m in meetings {
        for side in [m.from_participant_id, m.to_participant_id] {
            if allowed.contains(&side) {
                out.push((side, m.clone()));
            }
        }
    }
    Ok(out)
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

/// The nested connections: each is a page of an owner's list, and a whole level of them (every
/// cluster's members and partnerships on a page of clusters) is read in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NestedList {
    /// The members of a cluster, by name.
    Members,
    /// The partnerships a cluster belongs to, by name: accepted seats, and pending or declined
    /// ones for those who look after the cluster.
    Partnerships,
    /// The visible member clusters of a partnership with their seats, coordinator first, then
    /// by name.
    PartnershipMembers,
    /// The success stories a cluster is part of, newest first: published ones it confirmed, and
    /// for those who look after the cluster the others it is named in (theirs to answer) and
    /// drafts and submitted ones.
    SuccessStories,
    /// The visible clusters a story involves, by name; unconfirmed ones only for those who look
    /// after them.
    SuccessStoryClusters,
    /// The posts of a cluster, newest first: published ones, and the others for their author
    /// and the cluster's editors.
    Posts,
}

/// One page of one owner's nested list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageOf {
    pub list: NestedList,
    pub owner: Uuid,
    pub page: OffsetRequest,
}

/// An item of a nested list; which one [`NestedList`] says.
#[derive(Clone)]
pub enum NestedItem {
    Member(member::Model),
    Partnership(partnership::Model),
    Seat(partnership_member::Model, cluster::Model),
    SuccessStory(success_story::Model),
    Cluster(cluster::Model),
    Post(post::Model),
}

/// The page's items and where they lie in the owner's whole list.
#[derive(Clone)]
pub struct NestedPage {
    pub range: OffsetRange,
    pub items: Vec<NestedItem>,
}

impl Loader<PageOf> for Loaders {
    type Value = NestedPage;
    type Error = AppError;

    async fn load(&self, keys: &[PageOf]) -> Result<HashMap<PageOf, Self::Value>, Self::Error> {
        // One list query per list and page size, over all its owners; one statement for all.
        let mut groups: Vec<((NestedList, OffsetRequest), Vec<Uuid>)> = Vec::new();
        for key in keys {
            match groups.iter_mut().find(|(g, _)| *g == (key.list, key.page)) {
                Some((_, owners)) => owners.push(key.owner),
                None => groups.push(((key.list, key.page), vec![key.owner])),
            }
        }
        let queries: Vec<ListQuery> = groups
            .iter()
            .map(|((list, page), owners)| self.list_query(*list, owners.clone(), *page))
            .collect();
        let mut found: HashMap<PageOf, (usize, Vec<(usize, NestedItem)>)> = HashMap::new();
        for row in nested_pages::read(&self.db, &queries).await? {
            let Some(((list, page), _)) = groups.get(row.list) else {
                continue;
            };
            let key = PageOf {
                list: *list,
                owner: row.owner,
                page: *page,
            };
            let entry = found.entry(key).or_default();
            entry.0 = row.length;
            let range = page.within(row.length);
            if (range.start..range.end).contains(&row.position) {
                entry.1.push((row.position, item(*list, &row)?));
            }
        }
        Ok(keys
            .iter()
            .map(|key| {
                let (length, mut items) = found.remove(key).unwrap_or_default();
                items.sort_by_key(|(position, _)| *position);
                let page = NestedPage {
                    range: key.page.within(length),
                    items: items.into_iter().map(|(_, item)| item).collect(),
                };
                (*key, page)
            })
            .collect())
    }
}

fn item(list: NestedList, row: &ListRow) -> AppResult<NestedItem> {
    Ok(match list {
        NestedList::Members => NestedItem::Member(row.model::<member::Entity>(0)?),
        NestedList::Partnerships => NestedItem::Partnership(row.model::<partnership::Entity>(0)?),
        NestedList::PartnershipMembers => NestedItem::Seat(
            row.model::<partnership_member::Entity>(0)?,
            row.model::<cluster::Entity>(1)?,
        ),
        NestedList::SuccessStories => NestedItem::SuccessStory(row.model::<success_story::Entity>(0)?),
        NestedList::SuccessStoryClusters => NestedItem::Cluster(row.model::<cluster::Entity>(0)?),
        NestedList::Posts => NestedItem::Post(row.model::<post::Entity>(0)?),
    })
}

/// `table.column`, as the list queries name columns.
fn at<E: EntityTrait>(column: E::Column) -> ColumnRef {
    (E::default(), column).into_column_ref()
}

impl Loaders {
    /// The rows of `list` for `owners`, with what the caller may see of them.
    fn list_query(&self, list: NestedList, owners: Vec<Uuid>, page: OffsetRequest) -> ListQuery {
        use sea_orm::sea_query::Order::{Asc, Desc};
        let mut rows = Query::select();
        let (owner, order, tables) = match list {
            NestedList::Members => {
                rows.from(member::Entity)
                    .and_where(member::Column::ClusterId.is_in(owners));
                (
                    at::<member::Entity>(member::Column::ClusterId),
                    vec![
                        (at::<member::Entity>(member::Column::Name), Asc),
                        (at::<member::Entity>(member::Column::Id), Asc),
                    ],
                    vec![ItemTable::of::<member::Entity>()],
                )
            }
            NestedList::Partnerships => {
                rows.from(partnership_member::Entity)
                    .inner_join(
                        partnership::Entity,
                        Expr::col(at::<partnership::Entity>(partnership::Column::Id)).equals(at::<
                            partnership_member::Entity,
                        >(
                            partnership_member::Column::PartnershipId,
                        )),
                    )
                    .and_where(partnership_member::Column::ClusterId.is_in(owners))
                    .cond_where(self.seats_shown());
                (
                    at::<partnership_member::Entity>(partnership_member::Column::ClusterId),
                    vec![
                        (at::<partnership::Entity>(partnership::Column::Name), Asc),
                        (at::<partnership::Entity>(partnership::Column::Id), Asc),
                    ],
                    vec![ItemTable::of::<partnership::Entity>()],
                )
            }
            NestedList::PartnershipMembers => {
                rows.from(partnership_member::Entity)
                    .inner_join(
                        cluster::Entity,
                        Expr::col(at::<cluster::Entity>(cluster::Column::Id))
                            .equals(at::<partnership_member::Entity>(partnership_member::Column::ClusterId)),
                    )
                    .and_where(partnership_member::Column::PartnershipId.is_in(owners))
                    .cond_where(self.visibility.condition());
                (
                    at::<partnership_member::Entity>(partnership_member::Column::PartnershipId),
                    vec![
                        (at::<partnership_member::Entity>(partnership_member::Column::Role), Asc),
                        (at::<cluster::Entity>(cluster::Column::Name), Asc),
                        (at::<cluster::Entity>(cluster::Column::Id), Asc),
                    ],
                    vec![
                        ItemTable::of::<partnership_member::Entity>(),
                        ItemTable::of::<cluster::Entity>(),
                    ],
                )
            }
            NestedList::SuccessStories => {
                rows.from(success_story_cluster::Entity)
                    .inner_join(
                        success_story::Entity,
                        Expr::col(at::<success_story::Entity>(success_story::Column::Id)).equals(at::<
                            success_story_cluster::Entity,
                        >(
                            success_story_cluster::Column::SuccessStoryId,
                        )),
                    )
                    .and_where(success_story_cluster::Column::ClusterId.is_in(owners))
                    .cond_where(self.stories.links())
                    .cond_where(self.stories.condition());
                (
                    at::<success_story_cluster::Entity>(success_story_cluster::Column::ClusterId),
                    vec![
                        (at::<success_story::Entity>(success_story::Column::CreatedAt), Desc),
                        (at::<success_story::Entity>(success_story::Column::Id), Desc),
                    ],
                    vec![ItemTable::of::<success_story::Entity>()],
                )
            }
            NestedList::SuccessStoryClusters => {
                rows.from(success_story_cluster::Entity)
                    .inner_join(
                        cluster::Entity,
                        Expr::col(at::<cluster::Entity>(cluster::Column::Id)).equals(
                            at::<success_story_cluster::Entity>(success_story_cluster::Column::ClusterId),
                        ),
                    )
                    .and_where(success_story_cluster::Column::SuccessStoryId.is_in(owners))
                    .cond_where(self.stories.links())
                    .cond_where(self.visibility.condition());
                (
                    at::<success_story_cluster::Entity>(success_story_cluster::Column::SuccessStoryId),
                    vec![
                        (at::<cluster::Entity>(cluster::Column::Name), Asc),
                        (at::<cluster::Entity>(cluster::Column::Id), Asc),
                    ],
                    vec![ItemTable::of::<cluster::Entity>()],
                )
            }
            NestedList::Posts => {
                rows.from(post::Entity)
                    .and_where(post::Column::ClusterId.is_in(owners))
                    .cond_where(self.posts.condition());
                (
                    at::<post::Entity>(post::Column::ClusterId),
                    vec![
                        (at::<post::Entity>(post::Column::CreatedAt), Desc),
                        (at::<post::Entity>(post::Column::Id), Desc),
                    ],
                    vec![ItemTable::of::<post::Entity>()],
                )
            }
        };
        ListQuery {
            rows,
            owner,
            order,
            tables,
            page,
        }
    }

    /// The seats a cluster's profile lists: taken ones, and for those who look after the cluster
    /// pending or declined ones too. An invitation is not a partnership: others adding a cluster
    /// put nothing on its profile.
    fn seats_shown(&self) -> Condition {
        let taken = partnership_member::Column::InvitationState.eq(InvitationState::Accepted);
        or_looked_after(&self.visibility, taken, partnership_member::Column::ClusterId)
    }
}

/// The rows `shown` to everyone, and those whose cluster (`cluster_id`) the caller looks after.
fn or_looked_after(visibility: &Visibility, shown: Expr, cluster_id: impl ColumnTrait) -> Condition {
    let any = Condition::any().add(shown);
    match visibility.looked_after() {
        Some(own) => {
            let own = Query::select()
                .column(cluster::Column::Id)
                .from(cluster::Entity)
                .cond_where(own)
                .to_owned();
            any.add(cluster_id.in_subquery(own))
        }
        None => any,
    }
}
