//! The cluster profile as clients read it, with its nested lists, and the lookups of one profile.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::cluster as row;

use super::TYPE_NAME;
use crate::{
    domain::{cluster as domain, pagination::PageRequest, policy},
    error::AppResult,
    graphql::{
        connection::{
            nested_connection, MemberConnection, PartnershipConnection, PostConnection, SuccessStoryConnection,
        },
        context::{caller, db, list, loaders, look_up, visibility},
        enums::{ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand},
        loaders::{self as l, NestedItem, NestedList},
        member::Member,
        node,
        partner_organisation::PartnerOrganisation,
        partnership::Partnership,
        post::Post,
        scalars::Date,
        success_story::SuccessStory,
    },
};

#[derive(Clone)]
pub struct Cluster(pub row::Model);

/// How many organisations a cluster has, in total and by kind. The kinds may add up to less than the total.
#[derive(SimpleObject, Clone, Copy)]
pub struct MemberCounts {
    /// All members.
    pub total: i32,
    /// Small and medium-sized enterprises.
    pub sme: i32,
    /// Start-ups.
    pub start_up: i32,
    /// Large companies.
    pub large_company: i32,
    /// Universities and research organisations.
    pub research: i32,
    /// Members of any other kind.
    pub other: i32,
}

/// How to reach a cluster. Only signed-in users see it.
#[derive(SimpleObject)]
pub struct Contact {
    /// The person to ask for.
    pub person: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number, as the cluster wrote it.
    pub phone: Option<String>,
}

/// A point on the map, in decimal degrees (WGS 84).
#[derive(SimpleObject, InputObject, Clone, Copy)]
#[graphql(input_name = "LocationInput")]
pub struct Location {
    /// Degrees north of the equator, -90 to 90.
    pub latitude: f64,
    /// Degrees east of Greenwich, -180 to 180.
    pub longitude: f64,
}

#[Object]
/// A cluster organisation's public profile: an industry association, research centre,
/// university or cluster that looks for partners.
impl Cluster {
    /// Opaque global identifier; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// Stable, readable handle used in profile URLs.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Name in English, as shown in the directory.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Name in the organisation's own language, e.g. 中華民國全國工業總會.
    async fn local_name(&self) -> Option<&str> {
        self.0.local_name.as_deref()
    }
    /// Short name, e.g. CNFI.
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    /// What sort of organisation this is.
    async fn kind(&self) -> ClusterKind {
        self.0.kind.into()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Region within the country, as the cluster names it.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// City of the cluster's office.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Website, an http(s) URL.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// What the cluster does and offers, in the cluster's words; plain text, in
    /// `descriptionLanguage`: the best match for `locale`, else the request's
    /// `Accept-Language`, else the primary language.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the text falls back to the primary language."
        )]
        locale: Option<String>,
    ) -> AppResult<Option<String>> {
        Ok(self.description_in(ctx, locale.as_deref()).await?.0)
    }
    /// The language (BCP 47 tag) `description` answers in for the same `locale`.
    async fn description_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `locale` given to `description`.")] locale: Option<String>,
    ) -> AppResult<String> {
        Ok(self.description_in(ctx, locale.as_deref()).await?.1)
    }
    /// The language the description was written in (BCP 47 tag); it falls back to it.
    async fn primary_language(&self) -> &str {
        &self.0.language
    }
    /// The languages (BCP 47 tags) the description is translated into besides its primary
    /// one, in order.
    async fn translations(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(self
            .translations_of(ctx)
            .await?
            .into_iter()
            .map(|t| t.language)
            .collect())
    }
    /// Year the cluster was founded.
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }
    /// Size of the cluster's management team.
    async fn management_staff(&self) -> Option<StaffBand> {
        self.0.management_staff.map(Into::into)
    }
    /// How many member organisations the cluster has, by kind, as the cluster declares them.
    async fn member_counts(&self) -> MemberCounts {
        let m = &self.0;
        MemberCounts {
            total: m.members_total,
            sme: m.members_sme,
            start_up: m.members_start_up,
            large_company: m.members_large_company,
            research: m.members_research,
            other: m.members_other,
        }
    }
    /// EU industrial ecosystems the cluster works in.
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        let values = list(ctx, l::EcosystemsOf(self.0.id)).await?;
        Ok(values.into_iter().map(Into::into).collect())
    }
    /// Emerging industries the cluster works in.
    async fn emerging_industries(&self, ctx: &Context<'_>) -> AppResult<Vec<EmergingIndustry>> {
        let values = list(ctx, l::EmergingIndustriesOf(self.0.id)).await?;
        Ok(values.into_iter().map(Into::into).collect())
    }
    /// Technology keywords, e.g. "5G", "composites".
    async fn technologies(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::TechnologiesOf(self.0.id)).await
    }
    /// Target countries: those the cluster seeks partners in.
    async fn target_countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::TargetCountriesOf(self.0.id)).await
    }
    /// Cluster management excellence label.
    async fn label(&self) -> ClusterLabel {
        self.0.label.into()
    }
    /// Last day the label is valid.
    async fn label_expires_on(&self) -> Option<Date> {
        self.0.label_expires_on.map(Date)
    }
    /// Where the profile is in review; anonymous callers see only PUBLISHED profiles.
    async fn status(&self) -> ClusterStatus {
        self.0.status.into()
    }
    /// The national partner that registered and looks after this profile.
    async fn represented_by(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerOrganisation>> {
        let Some(id) = self.0.represented_by_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)
            .load_one(l::PartnerOrganisationById(id))
            .await?
            .map(PartnerOrganisation))
    }
    /// Null unless you are signed in.
    async fn contact(&self, ctx: &Context<'_>) -> Option<Contact> {
        policy::may_see_contact(caller(ctx)).then(|| Contact {
            person: self.0.contact_person.clone(),
            email: self.0.contact_email.clone(),
            phone: self.0.contact_phone.clone(),
        })
    }
    /// Where the cluster's office is; null when unknown.
    async fn location(&self) -> Option<Location> {
        Some(Location {
            latitude: self.0.latitude?,
            longitude: self.0.longitude?,
        })
    }
    /// Why a reviewer sent the profile back or waived the rules; for those who may edit it.
    async fn review_note(&self, ctx: &Context<'_>) -> Option<&str> {
        let editor = caller(ctx)
            .principal()
            .is_some_and(|p| policy::may_edit_cluster(p, &self.0).is_ok());
        self.0.review_note.as_deref().filter(|_| editor)
    }
    /// Increases with every change; send it back with `updateCluster`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the profile was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Organisations in this cluster, by name.
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<MemberConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, NestedList::Members, self.0.id, request, |item| match item {
            NestedItem::Member(m) => Some(Member(m)),
            _ => None,
        })
        .await
    }
    /// Partnerships this cluster belongs to, by name.
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PartnershipConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, NestedList::Partnerships, self.0.id, request, |item| match item {
            NestedItem::Partnership(p) => Some(Partnership(p)),
            _ => None,
        })
        .await
    }
    /// What it did at matchmaking events: FINISHED events attended as an approved participant,
    /// meetings held there and their recorded outcomes.
    async fn matchmaking_record(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<crate::graphql::matchmaking::statistics::MatchmakingRecord> {
        crate::graphql::matchmaking::statistics::record_of(ctx, self.0.id).await
    }
    /// Success stories this cluster is part of, newest written first: published ones it
    /// confirmed; for those who look after the cluster also the ones it has yet to answer, and
    /// drafts and submitted ones.
    async fn success_stories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<SuccessStoryConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, NestedList::SuccessStories, self.0.id, request, |item| match item {
            NestedItem::SuccessStory(s) => Some(SuccessStory(s)),
            _ => None,
        })
        .await
    }
    /// Posts of this cluster, newest first: published ones, and drafts and unpublished ones
    /// for their author and the cluster's editors.
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
        #[graphql(
            desc = "The language (BCP 47 tag) to answer in, over the `Accept-Language` header; the texts fall back to the primary language."
        )]
        locale: Option<String>,
    ) -> AppResult<PostConnection> {
        let locale = crate::domain::locale::Preference::from_argument("locale", locale.as_deref())?;
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, NestedList::Posts, self.0.id, request, |item| match item {
            NestedItem::Post(p) => Some(Post::in_locale(p, &locale)),
            _ => None,
        })
        .await
    }
}

#[derive(Default)]
pub struct ClusterQuery;

#[Object]
impl ClusterQuery {
    /// A cluster by its global ID; null when it does not exist or is not visible to you.
    async fn cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's global ID.")] id: ID,
    ) -> AppResult<Option<Cluster>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(look_up(ctx, l::ClusterById(id)).await?.map(Cluster))
    }

    /// A cluster by its slug; null when it does not exist or is not visible to you.
    async fn cluster_by_slug(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's slug, as in its URL.")] slug: String,
    ) -> AppResult<Option<Cluster>> {
        Ok(domain::find_by_slug(db(ctx), &visibility(ctx), &slug)
            .await?
            .map(Cluster))
    }
}
