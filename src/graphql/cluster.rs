//! Cluster profiles in GraphQL: the type, the list with filters, and the writes.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::cluster as row;

use super::{
    connection::{MemberConnection, PartnershipConnection, SuccessStoryConnection},
    context::{caller, db, loaders, visibility},
    cost::page_cost,
    enums::{to_entity, ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand},
    loaders as l,
    member::Member,
    node,
    partner_organisation::PartnerOrganisation,
    partnership::Partnership,
    scalars::Date,
    success_story::SuccessStory,
};
use crate::{
    domain::{
        cluster::{self as domain, ClusterProfile, Review},
        pagination::{slice, PageRequest},
        policy,
    },
    error::{AppError, AppResult},
};

pub const TYPE_NAME: &str = "Cluster";

/// A cluster organisation's public profile: an industry association, research centre,
/// university or cluster that looks for partners.
#[derive(Clone)]
pub struct Cluster(pub row::Model);

#[derive(SimpleObject, Clone, Copy)]
pub struct MemberCounts {
    pub total: i32,
    pub sme: i32,
    pub start_up: i32,
    pub large_company: i32,
    pub research: i32,
    pub other: i32,
}

/// How to reach a cluster. Only signed-in users see it.
#[derive(SimpleObject)]
pub struct Contact {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(SimpleObject, InputObject, Clone, Copy)]
#[graphql(input_name = "LocationInput")]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[Object]
impl Cluster {
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// Stable, readable handle used in profile URLs.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Name in the organisation's own language, e.g. 中華民國全國工業總會.
    async fn local_name(&self) -> Option<&str> {
        self.0.local_name.as_deref()
    }
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    async fn kind(&self) -> ClusterKind {
        self.0.kind.into()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }
    async fn management_staff(&self) -> Option<StaffBand> {
        self.0.management_staff.map(Into::into)
    }
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
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        let values = loaders(ctx)
            .load_one(l::EcosystemsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(values.into_iter().map(Into::into).collect())
    }
    async fn emerging_industries(&self, ctx: &Context<'_>) -> AppResult<Vec<EmergingIndustry>> {
        let values = loaders(ctx)
            .load_one(l::EmergingIndustriesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(values.into_iter().map(Into::into).collect())
    }
    /// Technology keywords, e.g. "5G", "composites".
    async fn technologies(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(loaders(ctx)
            .load_one(l::TechnologiesOf(self.0.id))
            .await?
            .unwrap_or_default())
    }
    /// Countries the cluster seeks partners in.
    async fn seeks_partners_in(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(loaders(ctx)
            .load_one(l::PartnerCountriesOf(self.0.id))
            .await?
            .unwrap_or_default())
    }
    /// With a text search: the extract that matched, the match in [brackets].
    async fn search_highlight(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_opt::<super::discovery::Highlights>()?.get(self.0.id)
    }
    /// Cluster management excellence label.
    async fn label(&self) -> ClusterLabel {
        self.0.label.into()
    }
    async fn label_expires_on(&self) -> Option<Date> {
        self.0.label_expires_on.map(Date)
    }
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
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Organisations in this cluster, by name.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<MemberConnection> {
        let request = PageRequest {
            first,
            after,
            last,
            before,
        };
        let all = loaders(ctx)
            .load_one(l::MembersOf(self.0.id))
            .await?
            .unwrap_or_default();
        let total = all.len() as u64;
        Ok(MemberConnection::new(slice(all, &request)?.map(Member), total))
    }
    /// Partnerships this cluster belongs to, by name.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<PartnershipConnection> {
        let request = PageRequest {
            first,
            after,
            last,
            before,
        };
        let all = loaders(ctx)
            .load_one(l::PartnershipsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let total = all.len() as u64;
        Ok(PartnershipConnection::new(
            slice(all, &request)?.map(Partnership),
            total,
        ))
    }
    /// Success stories this cluster is part of, newest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn success_stories(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<SuccessStoryConnection> {
        let request = PageRequest {
            first,
            after,
            last,
            before,
        };
        let all = loaders(ctx)
            .load_one(l::StoriesOf(self.0.id))
            .await?
            .unwrap_or_default();
        let total = all.len() as u64;
        Ok(SuccessStoryConnection::new(
            slice(all, &request)?.map(SuccessStory),
            total,
        ))
    }
}

#[derive(Default)]
pub struct ClusterQuery;

#[Object]
impl ClusterQuery {
    /// A cluster by its global ID; null when it does not exist or is not visible to you.
    async fn cluster(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Cluster>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(loaders(ctx).load_one(l::ClusterById(id)).await?.map(Cluster))
    }

    async fn cluster_by_slug(&self, ctx: &Context<'_>, slug: String) -> AppResult<Option<Cluster>> {
        Ok(domain::find_by_slug(db(ctx), &visibility(ctx), &slug)
            .await?
            .map(Cluster))
    }
}

#[derive(InputObject, Clone, Copy)]
pub struct MemberCountsInput {
    pub total: i32,
    #[graphql(default)]
    pub sme: i32,
    #[graphql(default)]
    pub start_up: i32,
    #[graphql(default)]
    pub large_company: i32,
    #[graphql(default)]
    pub research: i32,
    #[graphql(default)]
    pub other: i32,
}

impl From<MemberCountsInput> for domain::MemberCounts {
    fn from(c: MemberCountsInput) -> Self {
        Self {
            total: c.total,
            sme: c.sme,
            start_up: c.start_up,
            large_company: c.large_company,
            research: c.research,
            other: c.other,
        }
    }
}

#[derive(InputObject, Clone)]
pub struct ContactInput {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<ContactInput> for domain::Contact {
    fn from(c: ContactInput) -> Self {
        Self {
            person: c.person,
            email: c.email,
            phone: c.phone,
        }
    }
}

#[derive(InputObject)]
pub struct CreateClusterInput {
    /// Generated from the name when left out.
    pub slug: Option<String>,
    pub name: String,
    pub local_name: Option<String>,
    pub acronym: Option<String>,
    pub kind: ClusterKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub founded_year: Option<i32>,
    pub management_staff: Option<StaffBand>,
    pub member_counts: Option<MemberCountsInput>,
    pub ecosystems: Option<Vec<Ecosystem>>,
    pub emerging_industries: Option<Vec<EmergingIndustry>>,
    pub technologies: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 codes of countries the cluster seeks partners in.
    pub seeks_partners_in: Option<Vec<String>>,
    pub label: Option<ClusterLabel>,
    pub label_expires_on: Option<Date>,
    /// DRAFT unless given.
    pub status: Option<ClusterStatus>,
    /// A partner organisation's ID.
    pub represented_by_id: Option<ID>,
    pub contact: Option<ContactInput>,
    pub location: Option<Location>,
}

impl CreateClusterInput {
    fn into_profile(self) -> AppResult<ClusterProfile> {
        let input = self;
        let mut p = ClusterProfile::new(input.name, input.kind.into(), input.country);
        p.slug = input.slug;
        p.local_name = input.local_name;
        p.acronym = input.acronym;
        p.region = input.region;
        p.city = input.city;
        p.website = input.website;
        p.description = input.description;
        p.founded_year = input.founded_year;
        p.management_staff = input.management_staff.map(Into::into);
        p.member_counts = input.member_counts.map(Into::into).unwrap_or_default();
        p.ecosystems = to_entity(input.ecosystems);
        p.emerging_industries = to_entity(input.emerging_industries);
        p.technologies = input.technologies.unwrap_or_default();
        p.partner_countries = input.seeks_partners_in.unwrap_or_default();
        p.label = input
            .label
            .map(Into::into)
            .unwrap_or(entity::taxonomy::ClusterLabel::None);
        p.label_expires_on = input.label_expires_on.map(Into::into);
        p.status = input
            .status
            .map(Into::into)
            .unwrap_or(entity::taxonomy::ClusterStatus::Draft);
        p.represented_by_id = input.represented_by_id.as_ref().map(partner_id).transpose()?;
        p.contact = input.contact.map(Into::into).unwrap_or_default();
        p.latitude = input.location.map(|l| l.latitude);
        p.longitude = input.location.map(|l| l.longitude);
        Ok(p)
    }
}

#[derive(InputObject)]
pub struct RegisterClustersInput {
    /// Up to 500 profiles.
    pub clusters: Vec<CreateClusterInput>,
}

#[derive(SimpleObject)]
pub struct RegisterClustersPayload {
    pub clusters: Vec<Cluster>,
}

#[derive(InputObject)]
pub struct ReviewClusterInput {
    pub id: ID,
    pub version: i32,
}

#[derive(InputObject)]
pub struct PublishClusterInput {
    pub id: ID,
    pub version: i32,
    /// Publish although the platform's rules are not met, for this reason.
    pub waiver_reason: Option<String>,
}

#[derive(InputObject)]
pub struct RejectClusterInput {
    pub id: ID,
    pub version: i32,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct ReviewClusterPayload {
    pub cluster: Cluster,
}

/// Changes to a profile. Left-out fields stay as they are; null clears an optional field.
#[derive(InputObject)]
pub struct UpdateClusterInput {
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed the profile.
    pub version: i32,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub local_name: MaybeUndefined<String>,
    pub acronym: MaybeUndefined<String>,
    pub kind: Option<ClusterKind>,
    pub country: Option<String>,
    pub region: MaybeUndefined<String>,
    pub city: MaybeUndefined<String>,
    pub website: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub founded_year: MaybeUndefined<i32>,
    pub management_staff: MaybeUndefined<StaffBand>,
    pub member_counts: Option<MemberCountsInput>,
    pub ecosystems: Option<Vec<Ecosystem>>,
    pub emerging_industries: Option<Vec<EmergingIndustry>>,
    pub technologies: Option<Vec<String>>,
    pub seeks_partners_in: Option<Vec<String>>,
    pub label: Option<ClusterLabel>,
    pub label_expires_on: MaybeUndefined<Date>,
    pub status: Option<ClusterStatus>,
    pub represented_by_id: MaybeUndefined<ID>,
    pub contact: MaybeUndefined<ContactInput>,
    pub location: MaybeUndefined<Location>,
}

#[derive(InputObject)]
pub struct DeleteClusterInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct CreateClusterPayload {
    pub cluster: Cluster,
}

#[derive(SimpleObject)]
pub struct UpdateClusterPayload {
    pub cluster: Cluster,
}

#[derive(SimpleObject)]
pub struct DeleteClusterPayload {
    pub deleted_cluster_id: ID,
}

/// Writes a `MaybeUndefined` onto an optional field: undefined keeps, null clears.
pub(crate) fn patch<T>(target: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(v) => *target = Some(v),
    }
}

fn partner_id(id: &ID) -> AppResult<uuid::Uuid> {
    node::decode("representedById", id, super::partner_organisation::TYPE_NAME)
}

#[derive(Default)]
pub struct ClusterMutation;

#[Object]
impl ClusterMutation {
    /// Registers a new cluster profile: administrators anywhere, partners in their countries.
    async fn create_cluster(&self, ctx: &Context<'_>, input: CreateClusterInput) -> AppResult<CreateClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let model = domain::create(db(ctx), actor, input.into_profile()?).await?;
        Ok(CreateClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Registers many profiles in one go, all or nothing (a partner registering its country's
    /// clusters). Problems name their row: `clusters[3].country`.
    async fn register_clusters(
        &self,
        ctx: &Context<'_>,
        input: RegisterClustersInput,
    ) -> AppResult<RegisterClustersPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let profiles = input
            .clusters
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                c.into_profile().map_err(|e| match e {
                    AppError::BadUserInput { fields, .. } => {
                        AppError::bad_field(format!("clusters[{i}].{}", fields[0].field), fields[0].message.clone())
                    }
                    other => other,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let models = domain::register_many(db(ctx), actor, profiles).await?;
        Ok(RegisterClustersPayload {
            clusters: models.into_iter().map(Cluster).collect(),
        })
    }

    /// DRAFT → NEEDS_REVIEW: asks the cluster's partner (or the secretariat) to publish the profile.
    async fn submit_cluster_for_review(
        &self,
        ctx: &Context<'_>,
        input: ReviewClusterInput,
    ) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::review(db(ctx), actor, id, input.version, Review::Submit).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// NEEDS_REVIEW → PUBLISHED. The profile must have at least 15 members of at least two kinds
    /// and a website, unless `waiverReason` says why not (e.g. a national programme recognises it).
    async fn publish_cluster(&self, ctx: &Context<'_>, input: PublishClusterInput) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let step = Review::Publish {
            waiver: input.waiver_reason,
        };
        let model = domain::review(db(ctx), actor, id, input.version, step).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// NEEDS_REVIEW → DRAFT, with the reason the cluster's managers will read in `reviewNote`.
    async fn reject_cluster(&self, ctx: &Context<'_>, input: RejectClusterInput) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let step = Review::Reject { reason: input.reason };
        let model = domain::review(db(ctx), actor, id, input.version, step).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Changes a profile, provided nobody else changed it since you read `version`.
    async fn update_cluster(&self, ctx: &Context<'_>, input: UpdateClusterInput) -> AppResult<UpdateClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let represented_by = node::decode_patch(
            "representedById",
            &input.represented_by_id,
            super::partner_organisation::TYPE_NAME,
        )?;
        let model = domain::update(db(ctx), actor, id, input.version, |p| {
            if let Some(slug) = input.slug {
                p.slug = Some(slug);
            }
            if let Some(name) = input.name {
                p.name = name;
            }
            patch(&mut p.local_name, input.local_name);
            patch(&mut p.acronym, input.acronym);
            if let Some(kind) = input.kind {
                p.kind = kind.into();
            }
            if let Some(country) = input.country {
                p.country = country;
            }
            patch(&mut p.region, input.region);
            patch(&mut p.city, input.city);
            patch(&mut p.website, input.website);
            patch(&mut p.description, input.description);
            patch(&mut p.founded_year, input.founded_year);
            patch(&mut p.management_staff, input.management_staff.map_value(Into::into));
            if let Some(counts) = input.member_counts {
                p.member_counts = counts.into();
            }
            if input.ecosystems.is_some() {
                p.ecosystems = to_entity(input.ecosystems);
            }
            if input.emerging_industries.is_some() {
                p.emerging_industries = to_entity(input.emerging_industries);
            }
            if let Some(technologies) = input.technologies {
                p.technologies = technologies;
            }
            if let Some(countries) = input.seeks_partners_in {
                p.partner_countries = countries;
            }
            if let Some(label) = input.label {
                p.label = label.into();
            }
            patch(&mut p.label_expires_on, input.label_expires_on.map_value(Into::into));
            if let Some(status) = input.status {
                p.status = status.into();
            }
            patch(&mut p.represented_by_id, represented_by);
            match input.contact {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => p.contact = Default::default(),
                MaybeUndefined::Value(c) => p.contact = c.into(),
            }
            match input.location {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => (p.latitude, p.longitude) = (None, None),
                MaybeUndefined::Value(l) => (p.latitude, p.longitude) = (Some(l.latitude), Some(l.longitude)),
            }
        })
        .await?;
        Ok(UpdateClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Deletes a profile with its members and memberships.
    async fn delete_cluster(&self, ctx: &Context<'_>, input: DeleteClusterInput) -> AppResult<DeleteClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeleteClusterPayload {
            deleted_cluster_id: input.id,
        })
    }
}
