//! Who may do what: the one place that decides. Every write checks the row, not only the role:
//! a PARTNER for TW editing a DE cluster is refused.
//!
//! This file is long on purpose: the design keeps every decision of who may do what in one
//! module, so that a reviewer reads the whole authorisation of the API in one place. Its
//! functions run from clusters through partnerships, stories and accounts to matchmaking.
//!
//! | caller | clusters it may edit |
//! |---|---|
//! | ADMIN | all |
//! | PARTNER | those of its countries; it also creates, reviews, publishes and deletes them |
//! | CLUSTER_MANAGER | the clusters it manages |
//! | USER, anonymous | none |

use entity::{cluster, taxonomy::ClusterStatus};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Iden, Query},
    Condition,
};
use uuid::Uuid;

use crate::{
    auth::{Actor, Caller, Principal, Role},
    error::{AppError, AppResult},
};

fn forbidden(what: &str) -> AppError {
    AppError::Forbidden(format!("you may not {what}"))
}

/// The principal of a caller that must be signed in.
pub fn signed_in(caller: &Caller) -> AppResult<&Principal> {
    caller
        .principal()
        .ok_or_else(|| AppError::Unauthenticated("sign in first".into()))
}

/// Which cluster profiles a caller may see: published ones, plus those it looks after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    everything: bool,
    countries: Vec<String>,
    clusters: Vec<Uuid>,
}

impl Visibility {
    /// What a caller sees: `Visibility::of(caller)` in a resolver, `Visibility::of(actor)` for a
    /// signed-in principal in the domain.
    pub fn of<'a>(who: impl Into<Option<&'a Principal>>) -> Self {
        match who.into() {
            Some(p) => Self {
                everything: p.is_admin(),
                countries: p.countries.clone(),
                clusters: p.clusters.clone(),
            },
            None => Self::public(),
        }
    }

    pub fn public() -> Self {
        Self {
            everything: false,
            countries: vec![],
            clusters: vec![],
        }
    }

    pub fn sees(&self, cluster: &cluster::Model) -> bool {
        self.everything
            || cluster.status == ClusterStatus::Published
            || self.countries.contains(&cluster.country)
            || self.clusters.contains(&cluster.id)
    }

    /// The same rule as SQL, on the `cluster` table.
    pub fn condition(&self) -> Condition {
        self.condition_on(cluster::Entity, cluster::Column::Id)
    }

    /// The same rule on a table that copies a cluster's `status` and `country` (the PostgreSQL
    /// search row), whose cluster id is `id`.
    pub fn condition_on(&self, table: impl Iden + Clone + 'static, id: impl Iden + 'static) -> Condition {
        if self.everything {
            return Condition::all();
        }
        let column = |name: cluster::Column| Expr::col((table.clone(), name));
        let mut any = Condition::any().add(column(cluster::Column::Status).eq(ClusterStatus::Published));
        if !self.countries.is_empty() {
            any = any.add(column(cluster::Column::Country).is_in(self.countries.clone()));
        }
        if !self.clusters.is_empty() {
            any = any.add(Expr::col((table, id)).is_in(self.clusters.clone()));
        }
        any
    }
}

impl Visibility {
    /// The clusters the caller looks after (manages, or covers as partner or administrator), as
    /// SQL on `cluster`; `None` when it looks after none. Their pending invitations are theirs to
    /// see; the public sees only seats taken.
    pub fn looked_after(&self) -> Option<Condition> {
        if self.everything {
            return Some(Condition::all());
        }
        let mut any = Condition::any();
        if !self.countries.is_empty() {
            any = any.add(Expr::col(cluster::Column::Country).is_in(self.countries.clone()));
        }
        if !self.clusters.is_empty() {
            any = any.add(Expr::col(cluster::Column::Id).is_in(self.clusters.clone()));
        }
        (!any.is_empty()).then_some(any)
    }
}

/// A caller's principal, if it is signed in: what [`Visibility::of`] reads.
impl<'a> From<&'a Caller> for Option<&'a Principal> {
    fn from(caller: &'a Caller) -> Self {
        caller.principal()
    }
}

fn partner_of(p: &Principal, country: &str) -> bool {
    p.role == Role::Partner && p.covers_country(country)
}

/// Edit a profile, its members, its stories and its partnership seats; submit it for review.
pub fn may_edit_cluster(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    if p.is_admin() || partner_of(p, &cluster.country) || p.manages(cluster.id) {
        Ok(())
    } else {
        Err(forbidden(&format!("change the cluster {}", cluster.slug)))
    }
}

/// Register a new profile in `country`.
pub fn may_create_cluster(p: &Principal, country: &str) -> AppResult<()> {
    if p.is_admin() || partner_of(p, country) {
        Ok(())
    } else {
        Err(forbidden(&format!("register clusters in {country}")))
    }
}

/// Delete a profile; publish or reject it after review.
pub fn may_review_cluster(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    if p.is_admin() || partner_of(p, &cluster.country) {
        Ok(())
    } else {
        Err(forbidden(&format!("review or delete the cluster {}", cluster.slug)))
    }
}

/// Set a status directly instead of going through review.
pub fn may_set_status(p: &Principal) -> AppResult<()> {
    admin_only(
        p,
        "set a profile's status directly; use submitClusterForReview and publishCluster",
    )
}

/// Let a partner organisation represent a cluster.
pub fn may_assign_partner(p: &Principal, partner_organisation: Uuid) -> AppResult<()> {
    if p.is_admin() || p.partner_organisations.contains(&partner_organisation) {
        Ok(())
    } else {
        Err(forbidden("assign another partner organisation"))
    }
}

/// Award a cluster a label (and its expiry) or say which partner represents it: recognition
/// comes from the partner of its country or an administrator, never from the cluster itself.
pub fn may_award_recognition(p: &Principal, country: &str) -> AppResult<()> {
    if p.is_admin() || partner_of(p, country) {
        Ok(())
    } else {
        Err(forbidden(
            "set label, labelExpiresOn or representedById; the partner of the cluster's country does",
        ))
    }
}

/// Anything about a partnership as a whole is decided by its coordinator's editors.
pub fn may_edit_partnership(p: &Principal, coordinators: &[cluster::Model]) -> AppResult<()> {
    if p.is_admin() || coordinators.iter().any(|c| may_edit_cluster(p, c).is_ok()) {
        Ok(())
    } else {
        Err(forbidden("change a partnership your cluster does not coordinate"))
    }
}

/// A story may be told or changed by the editors of any cluster it involves (for a stored story:
/// any cluster that confirmed it).
pub fn may_edit_success_story(p: &Principal, involved: &[cluster::Model]) -> AppResult<()> {
    if p.is_admin() || involved.iter().any(|c| may_edit_cluster(p, c).is_ok()) {
        Ok(())
    } else {
        Err(forbidden("change a story none of your clusters is part of"))
    }
}

/// Publish a submitted story, or return one to DRAFT with a note: the partner of the country
/// of a cluster the story names, and administrators. Its own editors submit; they do not publish.
pub fn may_moderate_success_story(p: &Principal, involved: &[cluster::Model]) -> AppResult<()> {
    if p.is_admin() || involved.iter().any(|c| partner_of(p, &c.country)) {
        Ok(())
    } else {
        Err(forbidden(
            "publish or return a story; the partner of an involved cluster's country does",
        ))
    }
}

/// Which success stories a caller sees, as SQL on `success_story`: PUBLISHED ones, and, in
/// any status, those it wrote and those naming a cluster it looks after (its editors, the
/// partner of its country, administrators), who write, moderate or confirm them.
#[derive(Debug, Clone)]
pub struct StoryVisibility {
    clusters: Visibility,
    user: Option<Uuid>,
}

impl StoryVisibility {
    pub fn of<'a>(who: impl Into<Option<&'a Principal>>) -> Self {
        let who = who.into();
        Self {
            clusters: Visibility::of(who),
            user: who.and_then(user_of),
        }
    }

    /// Stories the caller sees in any status.
    pub fn own(&self) -> Condition {
        use entity::{success_story, success_story_cluster};
        if self.clusters.everything {
            return Condition::all();
        }
        let mut any = Condition::any();
        if let Some(own) = self.clusters.looked_after() {
            let own = Query::select()
                .column(cluster::Column::Id)
                .from(cluster::Entity)
                .cond_where(own)
                .to_owned();
            let naming = Query::select()
                .column(success_story_cluster::Column::SuccessStoryId)
                .from(success_story_cluster::Entity)
                .and_where(Expr::col(success_story_cluster::Column::ClusterId).in_subquery(own))
                .to_owned();
            any = any.add(Expr::col((success_story::Entity, success_story::Column::Id)).in_subquery(naming));
        }
        if let Some(user) = self.user {
            any = any.add(Expr::col((success_story::Entity, success_story::Column::AuthorId)).eq(user));
        }
        any_or_nothing(any)
    }

    /// Published stories.
    pub fn published(&self) -> Condition {
        use entity::{success_story, taxonomy::SuccessStoryStatus};
        Condition::all()
            .add(Expr::col((success_story::Entity, success_story::Column::Status)).eq(SuccessStoryStatus::Published))
    }

    /// Every story the caller sees.
    pub fn condition(&self) -> Condition {
        Condition::any().add(self.published()).add(self.own())
    }

    /// The links of stories to clusters that a cluster's list shows, as SQL on
    /// `success_story_cluster`: confirmed ones, and unconfirmed ones of the clusters the caller
    /// looks after (theirs to answer). Nobody puts a cluster's name to a story it did not agree to.
    pub fn links(&self) -> Condition {
        use entity::success_story_cluster;
        let any = Condition::any().add(Expr::col(success_story_cluster::Column::Confirmed).eq(true));
        match self.clusters.looked_after() {
            Some(own) => {
                let own = Query::select()
                    .column(cluster::Column::Id)
                    .from(cluster::Entity)
                    .cond_where(own)
                    .to_owned();
                any.add(Expr::col(success_story_cluster::Column::ClusterId).in_subquery(own))
            }
            None => any,
        }
    }
}

/// Grant ADMIN or PARTNER: administrators only.
pub fn may_grant_platform_role(p: &Principal) -> AppResult<()> {
    admin_only(p, "grant ADMIN or PARTNER")
}

/// Make someone a manager of a cluster directly: its partner or an administrator. Managers
/// bring in colleagues by invitation instead.
pub fn may_appoint_manager(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    may_review_cluster(p, cluster).map_err(|_| forbidden(&format!("appoint managers of {}", cluster.slug)))
}

/// API keys belong to a partner organisation: its own people or an administrator make them.
pub fn may_manage_api_keys(p: &Principal, partner_organisation: Uuid) -> AppResult<()> {
    if p.is_admin() || (p.role == Role::Partner && p.partner_organisations.contains(&partner_organisation)) {
        Ok(())
    } else {
        Err(forbidden("manage the API keys of this partner organisation"))
    }
}

/// Import profiles from a partner organisation's own registry (matched by its ids): the
/// organisation's own people, or an administrator for any organisation. Each row then meets the
/// checks of a single write (countries, recognition, who may edit the profile it matches).
pub fn may_import_clusters(p: &Principal, partner_organisation: Uuid) -> AppResult<()> {
    if p.is_admin() || (p.role == Role::Partner && p.partner_organisations.contains(&partner_organisation)) {
        Ok(())
    } else {
        Err(forbidden("import clusters for this partner organisation"))
    }
}

/// Make or revoke a key: a person signed in as the organisation's partner or an administrator,
/// never a key or a token exchanged from one, so a leaked key cannot mint itself successors.
pub fn may_issue_api_keys(p: &Principal, partner_organisation: Uuid) -> AppResult<()> {
    if let Actor::ApiKey(_) = p.actor {
        return Err(forbidden(
            "make or revoke API keys with an API key; sign in as a person",
        ));
    }
    may_manage_api_keys(p, partner_organisation)
}

/// Trade an API key for an access token: not an allow-list key, since the token would carry the
/// key's rights without its allow-list.
pub fn may_exchange_api_key(trusted_documents_only: bool) -> AppResult<()> {
    if trusted_documents_only {
        Err(AppError::Forbidden(
            "an allow-list key cannot be exchanged; send it as the bearer".into(),
        ))
    } else {
        Ok(())
    }
}

/// Look an account up by e-mail address: administrators and partners, who grant roles.
pub fn may_look_up_accounts(p: &Principal) -> AppResult<()> {
    if p.is_admin() || p.role == Role::Partner {
        Ok(())
    } else {
        Err(forbidden("look up accounts"))
    }
}

/// An account's e-mail address is for the person themself and administrators.
pub fn may_see_email(p: &Principal, user: Uuid) -> bool {
    p.is_admin() || p.actor == Actor::User(user)
}

/// Which audit entries a caller may read: all for admins, their countries' for partners.
pub enum AuditScope {
    All,
    Countries(Vec<String>),
}

pub fn audit_scope(p: &Principal) -> AppResult<AuditScope> {
    match p.role {
        Role::Admin => Ok(AuditScope::All),
        Role::Partner => Ok(AuditScope::Countries(p.countries.clone())),
        _ => Err(forbidden("read the audit log")),
    }
}

/// Contact details of a cluster are for signed-in callers with a verified e-mail address or a
/// role above USER.
pub fn may_see_contact(caller: &Caller) -> bool {
    // A role above USER was granted by someone who vouched for the person; a self-registered
    // USER proves the address first, so a throwaway account does not harvest contact details.
    caller
        .principal()
        .is_some_and(|p| p.email_verified || p.role > Role::User)
}

/// The user a principal acts for, if it is a person with an account here.
pub fn user_of(p: &Principal) -> Option<Uuid> {
    match p.actor {
        Actor::User(id) => Some(id),
        _ => None,
    }
}

/// Who organises a matchmaking event: administrators; the partner of every one of its countries;
/// the users named as its organisers.
pub fn organises_event(p: &Principal, countries: &[String], organisers: &[Uuid]) -> bool {
    p.is_admin()
        || (p.role == Role::Partner && !countries.is_empty() && countries.iter().all(|c| p.covers_country(c)))
        || user_of(p).is_some_and(|u| organisers.contains(&u))
}

/// Create a matchmaking event in `countries`: administrators, or the partner of all of them.
pub fn may_create_event(p: &Principal, countries: &[String]) -> AppResult<()> {
    if organises_event(p, countries, &[]) {
        Ok(())
    } else {
        Err(forbidden("create a matchmaking event outside your countries"))
    }
}

/// Change an event, move its status, approve or reject its participants, add, cancel and pin
/// its meetings.
pub fn may_organise_event(p: &Principal, countries: &[String], organisers: &[Uuid]) -> AppResult<()> {
    if organises_event(p, countries, organisers) {
        Ok(())
    } else {
        Err(forbidden("organise this matchmaking event"))
    }
}

/// Act for a participant of an event (register it, change its profile, request, accept, decline
/// and cancel its meetings): for a cluster, those who edit the cluster (its managers, its
/// country's partner, administrators); for a business, the users who act for it and
/// administrators.
pub fn acts_for_participant(p: &Principal, cluster: Option<&cluster::Model>, users: &[Uuid]) -> bool {
    match cluster {
        Some(cluster) => may_edit_cluster(p, cluster).is_ok(),
        None => p.is_admin() || user_of(p).is_some_and(|u| users.contains(&u)),
    }
}

pub fn may_act_for_participant(p: &Principal, cluster: Option<&cluster::Model>, users: &[Uuid]) -> AppResult<()> {
    if acts_for_participant(p, cluster, users) {
        Ok(())
    } else {
        Err(forbidden("act for this participant"))
    }
}

/// See a participant's agenda (as a query, or as iCalendar with a bearer token): those who act
/// for it and the organisers of its event. Others, the other sides of its meetings included,
/// see only their own meetings.
pub fn sees_agenda(
    p: &Principal,
    cluster: Option<&cluster::Model>,
    users: &[Uuid],
    countries: &[String],
    organisers: &[Uuid],
) -> bool {
    acts_for_participant(p, cluster, users) || organises_event(p, countries, organisers)
}

/// Create or revoke a participant's agenda link: whoever may see the agenda.
pub fn may_share_agenda(
    p: &Principal,
    cluster: Option<&cluster::Model>,
    users: &[Uuid],
    countries: &[String],
    organisers: &[Uuid],
) -> AppResult<()> {
    if sees_agenda(p, cluster, users, countries, organisers) {
        Ok(())
    } else {
        Err(forbidden("share this participant's agenda"))
    }
}

/// Record what came of a held meeting: those who act for either side, and the event's organisers.
pub fn may_record_meeting_outcome(p: &Principal, acts_for_a_side: bool, organiser: bool) -> AppResult<()> {
    if acts_for_a_side || organiser || p.is_admin() {
        Ok(())
    } else {
        Err(forbidden("record the outcome of a meeting you took no part in"))
    }
}

/// Register a business for an event: a person signed in with an account, who then acts for it,
/// or an organiser naming the users who will.
pub fn may_register_business(p: &Principal, organiser: bool) -> AppResult<()> {
    if organiser || user_of(p).is_some() {
        Ok(())
    } else {
        Err(forbidden(
            "register a business without an account: sign in as a person, who will act for it",
        ))
    }
}

/// What a caller sees of matchmaking, as SQL: events past DRAFT for everyone, drafts for their
/// organisers; approved participants for everyone who sees the event, the others for the
/// organisers and those who act for them; meetings for their two sides and the organisers only.
#[derive(Debug, Clone)]
pub struct MatchmakingVisibility {
    admin: bool,
    partner_countries: Vec<String>,
    user: Option<Uuid>,
    clusters: Visibility,
}

impl MatchmakingVisibility {
    pub fn of<'a>(who: impl Into<Option<&'a Principal>>) -> Self {
        let who = who.into();
        Self {
            admin: who.is_some_and(Principal::is_admin),
            partner_countries: who
                .filter(|p| p.role == Role::Partner)
                .map(|p| p.countries.clone())
                .unwrap_or_default(),
            user: who.and_then(user_of),
            clusters: Visibility::of(who),
        }
    }

    /// The ids of the events the caller organises, as a condition on `event_id`.
    pub fn organised(&self, event_id: impl Iden + Clone + 'static, table: impl Iden + Clone + 'static) -> Condition {
        use entity::{event_organiser as org, matchmaking_event_country as country};
        if self.admin {
            return Condition::all();
        }
        let column = Expr::col((table, event_id));
        let mut any = Condition::any();
        if !self.partner_countries.is_empty() {
            let with = Query::select()
                .column(country::Column::EventId)
                .from(country::Entity)
                .and_where(Expr::col(country::Column::Country).is_in(self.partner_countries.clone()))
                .to_owned();
            let without = Query::select()
                .column(country::Column::EventId)
                .from(country::Entity)
                .and_where(Expr::col(country::Column::Country).is_not_in(self.partner_countries.clone()))
                .to_owned();
            any = any.add(
                Condition::all()
                    .add(column.clone().in_subquery(with))
                    .add(column.clone().not_in_subquery(without)),
            );
        }
        if let Some(user) = self.user {
            any = any.add(
                column.in_subquery(
                    Query::select()
                        .column(org::Column::EventId)
                        .from(org::Entity)
                        .and_where(Expr::col(org::Column::UserId).eq(user))
                        .to_owned(),
                ),
            );
        }
        any_or_nothing(any)
    }

    /// The events the caller sees, as a condition on `matchmaking_event`.
    pub fn events(&self) -> Condition {
        use entity::{matchmaking_event as event, taxonomy::MatchmakingEventStatus};
        Condition::any()
            .add(Expr::col((event::Entity, event::Column::Status)).ne(MatchmakingEventStatus::Draft))
            .add(self.organised(event::Column::Id, event::Entity))
    }

    /// The participants the caller acts for, as a condition on `event_participant`.
    pub fn own_participants(&self) -> Condition {
        use entity::{event_participant as participant, participant_user};
        let mut any = Condition::any();
        if let Some(own) = self.clusters.looked_after() {
            any = any.add(
                Expr::col((participant::Entity, participant::Column::ClusterId)).in_subquery(
                    Query::select()
                        .column(cluster::Column::Id)
                        .from(cluster::Entity)
                        .cond_where(own)
                        .to_owned(),
                ),
            );
        }
        if self.admin {
            any = any.add(Expr::val(true));
        }
        if let Some(user) = self.user {
            any = any.add(
                Expr::col((participant::Entity, participant::Column::Id)).in_subquery(
                    Query::select()
                        .column(participant_user::Column::ParticipantId)
                        .from(participant_user::Entity)
                        .and_where(Expr::col(participant_user::Column::UserId).eq(user))
                        .to_owned(),
                ),
            );
        }
        any_or_nothing(any)
    }

    /// The participants the caller sees, as a condition on `event_participant` (their events
    /// must be visible too: see [`Self::events`]).
    pub fn participants(&self) -> Condition {
        use entity::{event_participant as participant, taxonomy::ParticipantStatus};
        Condition::any()
            .add(Expr::col((participant::Entity, participant::Column::Status)).eq(ParticipantStatus::Approved))
            .add(self.organised(participant::Column::EventId, participant::Entity))
            .add(self.own_participants())
    }

    /// The meetings the caller sees, as a condition on `meeting`: those of its events as
    /// organiser, and those where it acts for either side.
    pub fn meetings(&self) -> Condition {
        use entity::{event_participant as participant, meeting};
        let own = Query::select()
            .column(participant::Column::Id)
            .from(participant::Entity)
            .cond_where(self.own_participants())
            .to_owned();
        Condition::any()
            .add(self.organised(meeting::Column::EventId, meeting::Entity))
            .add(Expr::col((meeting::Entity, meeting::Column::FromParticipantId)).in_subquery(own.clone()))
            .add(Expr::col((meeting::Entity, meeting::Column::ToParticipantId)).in_subquery(own))
    }
}

/// Write, change, publish and delete a cluster's posts: whoever edits the cluster's profile.
pub fn may_write_post(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    may_edit_cluster(p, cluster).map_err(|_| forbidden(&format!("write posts of the cluster {}", cluster.slug)))
}

/// Set or remove a translation of a post: whoever writes the cluster's posts, since a
/// translation is the post's text in another language.
pub fn may_translate_post(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    may_write_post(p, cluster)
}

/// Set or remove a translation of a cluster's description: whoever edits the profile, since a
/// translation is the profile's text in another language.
pub fn may_translate_cluster(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    may_edit_cluster(p, cluster)
}

/// Set or remove a translation of a success story: whoever may change the story (the editors of
/// the clusters that confirmed it).
pub fn may_translate_success_story(p: &Principal, confirmed: &[cluster::Model]) -> AppResult<()> {
    may_edit_success_story(p, confirmed)
}

/// Moderate a cluster's posts (unpublish one with a reason, put an unpublished one back): the
/// partner of the cluster's country and administrators. What a moderator took down, only a
/// moderator puts back up.
pub fn may_moderate_post(p: &Principal, cluster: &cluster::Model) -> AppResult<()> {
    if p.is_admin() || partner_of(p, &cluster.country) {
        Ok(())
    } else {
        Err(forbidden(&format!("moderate the posts of {}", cluster.slug)))
    }
}

/// Whether a caller sees a post that is not PUBLISHED, and why it was unpublished: its author
/// and its cluster's editors.
pub fn sees_unpublished_post(p: Option<&Principal>, author: Option<Uuid>, cluster: &cluster::Model) -> bool {
    p.is_some_and(|p| (author.is_some() && user_of(p) == author) || may_edit_cluster(p, cluster).is_ok())
}

/// Which posts a caller sees, as SQL on `post`: PUBLISHED ones of clusters it sees, and every
/// post it wrote or whose cluster it edits.
#[derive(Debug, Clone)]
pub struct PostVisibility {
    clusters: Visibility,
    user: Option<Uuid>,
}

impl PostVisibility {
    pub fn of<'a>(who: impl Into<Option<&'a Principal>>) -> Self {
        let who = who.into();
        Self {
            clusters: Visibility::of(who),
            user: who.and_then(user_of),
        }
    }

    /// Posts the caller sees in any status.
    pub fn own(&self) -> Condition {
        use entity::post;
        let mut any = Condition::any();
        if let Some(own) = self.clusters.looked_after() {
            let own = Query::select()
                .column(cluster::Column::Id)
                .from(cluster::Entity)
                .cond_where(own)
                .to_owned();
            any = any.add(Expr::col((post::Entity, post::Column::ClusterId)).in_subquery(own));
        }
        if let Some(user) = self.user {
            any = any.add(Expr::col((post::Entity, post::Column::AuthorId)).eq(user));
        }
        any_or_nothing(any)
    }

    /// Published posts of the clusters the caller sees.
    pub fn published(&self) -> Condition {
        use entity::{post, taxonomy::PostStatus};
        let seen = Query::select()
            .column(cluster::Column::Id)
            .from(cluster::Entity)
            .cond_where(self.clusters.condition())
            .to_owned();
        Condition::all()
            .add(Expr::col((post::Entity, post::Column::Status)).eq(PostStatus::Published))
            .add(Expr::col((post::Entity, post::Column::ClusterId)).in_subquery(seen))
    }

    /// Every post the caller sees.
    pub fn condition(&self) -> Condition {
        Condition::any().add(self.published()).add(self.own())
    }
}

/// Follow a participant's meetings live (`meetingRequested`, `meetingUpdated`): those who see
/// its meetings, that is those who act for it and the event's organisers. Checked when the
/// subscription starts and again for every notification it delivers.
pub fn may_follow_participant(acts_for: bool, organises: bool) -> AppResult<()> {
    if acts_for || organises {
        Ok(())
    } else {
        Err(forbidden("follow the meetings of a participant you do not act for"))
    }
}

/// Follow an event's schedule live (`eventScheduled`): its organisers, and those who act for
/// one of its approved participants. Checked at the start and for every notification.
pub fn may_follow_event(organises: bool, acts_for_approved_participant: bool) -> AppResult<()> {
    if organises || acts_for_approved_participant {
        Ok(())
    } else {
        Err(forbidden("follow an event you neither organise nor take part in"))
    }
}

/// The mail outbox (failed mails, retrying them) is for administrators: mails hold other
/// people's addresses and what was sent to them.
pub fn may_manage_mail(p: &Principal) -> AppResult<()> {
    admin_only(p, "manage the mail outbox")
}

/// Building a week's digest mails every confirmed subscriber: administrators (and the operator's
/// `clusterbridge digest`) only.
pub fn may_build_digest(p: &Principal) -> AppResult<()> {
    admin_only(p, "build the weekly digest")
}

/// The digest's subscribers are for administrators: their addresses are personal data.
pub fn may_manage_digest_subscribers(p: &Principal) -> AppResult<()> {
    admin_only(p, "read the digest's subscribers")
}

/// `any` of a caller's grounds to see a record, or nothing when the caller has none: an empty
/// `Condition::any()` would match every row.
fn any_or_nothing(any: Condition) -> Condition {
    if any.is_empty() {
        Condition::all().add(Expr::val(false))
    } else {
        any
    }
}

/// Administrators only; anyone else is refused doing `what`.
fn admin_only(p: &Principal, what: &str) -> AppResult<()> {
    if p.is_admin() {
        Ok(())
    } else {
        Err(forbidden(what))
    }
}

/// Register, change, rotate, delete and read the webhook endpoints of a partner organisation
/// and their deliveries: its partners, or an administrator.
pub fn may_manage_webhooks(p: &Principal, partner_organisation: Uuid) -> AppResult<()> {
    if p.is_admin() || (p.role == Role::Partner && p.partner_organisations.contains(&partner_organisation)) {
        Ok(())
    } else {
        Err(forbidden("manage the webhooks of this partner organisation"))
    }
}

/// What a partner organisation's webhooks may be told of: what its partners may see, whoever
/// registered the endpoint (an administrator's registration widens nothing).
pub struct WebhookAudience {
    partners: Visibility,
}

impl WebhookAudience {
    pub fn of_partner_countries(countries: Vec<String>) -> Self {
        Self {
            partners: Visibility {
                everything: false,
                countries,
                clusters: vec![],
            },
        }
    }

    /// A record as visible as its cluster's profile (published, or of the organisation's countries).
    pub fn sees_cluster(&self, cluster: &cluster::Model) -> bool {
        self.partners.sees(cluster)
    }

    /// A record private to the clusters involved: the organisation looks after one of them.
    pub fn looks_after(&self, cluster: &cluster::Model) -> bool {
        self.partners.countries.contains(&cluster.country)
    }
}
