//! Cluster profiles: reading with filters, and writes that keep the profile and its taxonomy rows
//! in one transaction under an optimistic lock.

use chrono::{NaiveDate, Utc};
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_partner_country, cluster_technology,
    partner_organisation,
    taxonomy::{ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand},
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, Entry},
    policy::{self, Visibility},
    validation::{Checker, ACRONYM_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX},
};
use crate::{
    auth::{Principal, Role},
    error::{AppError, AppResult, FieldError},
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberCounts {
    pub total: i32,
    pub sme: i32,
    pub start_up: i32,
    pub large_company: i32,
    pub research: i32,
    pub other: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Everything a client may write on a cluster profile.
#[derive(Debug, Clone)]
pub struct ClusterProfile {
    pub slug: Option<String>,
    pub name: String,
    pub local_name: Option<String>,
    pub acronym: Option<String>,
    pub kind: ClusterKind,
    pub country: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub founded_year: Option<i32>,
    pub management_staff: Option<StaffBand>,
    pub member_counts: MemberCounts,
    pub ecosystems: Vec<Ecosystem>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub technologies: Vec<String>,
    /// Countries the cluster seeks partners in.
    pub partner_countries: Vec<String>,
    pub label: ClusterLabel,
    pub label_expires_on: Option<NaiveDate>,
    pub status: ClusterStatus,
    pub represented_by_id: Option<Uuid>,
    pub contact: Contact,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl ClusterProfile {
    /// A new profile with the required fields; everything else empty.
    pub fn new(name: String, kind: ClusterKind, country: String) -> Self {
        Self {
            slug: None,
            name,
            local_name: None,
            acronym: None,
            kind,
            country,
            region: None,
            city: None,
            website: None,
            description: None,
            founded_year: None,
            management_staff: None,
            member_counts: MemberCounts::default(),
            ecosystems: Vec::new(),
            emerging_industries: Vec::new(),
            technologies: Vec::new(),
            partner_countries: Vec::new(),
            label: ClusterLabel::None,
            label_expires_on: None,
            status: ClusterStatus::Draft,
            represented_by_id: None,
            contact: Contact::default(),
            latitude: None,
            longitude: None,
        }
    }

    /// Checks and normalises the whole profile, naming every bad field.
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("name", &mut self.name, NAME_MAX);
        check.optional_name("localName", &mut self.local_name, NAME_MAX);
        check.optional_name("acronym", &mut self.acronym, ACRONYM_MAX);
        if let Some(slug) = &mut self.slug {
            *slug = slug.trim().to_owned();
            if !is_slug(slug) {
                check.fail("slug", "must be 1–120 lower-case letters, digits and single hyphens");
            }
        }
        check.country("country", &mut self.country);
        check.optional_name("region", &mut self.region, SHORT_MAX);
        check.optional_name("city", &mut self.city, SHORT_MAX);
        check.optional_url("website", &mut self.website);
        check.optional_text("description", &mut self.description, TEXT_MAX);
        check.optional_year("foundedYear", self.founded_year);
        let c = self.member_counts;
        for (field, value) in [
            ("memberCounts.total", c.total),
            ("memberCounts.sme", c.sme),
            ("memberCounts.startUp", c.start_up),
            ("memberCounts.largeCompany", c.large_company),
            ("memberCounts.research", c.research),
            ("memberCounts.other", c.other),
        ] {
            check.count(field, value);
        }
        let parts = [c.sme, c.start_up, c.large_company, c.research, c.other]
            .iter()
            .map(|&n| i64::from(n.max(0)))
            .sum::<i64>();
        if c.total >= 0 && parts > i64::from(c.total) {
            check.fail("memberCounts.total", "must be at least the sum of the member kinds");
        }
        self.ecosystems.sort();
        self.ecosystems.dedup();
        self.emerging_industries.sort();
        self.emerging_industries.dedup();
        check.keywords("technologies", &mut self.technologies);
        check.countries("seeksPartnersIn", &mut self.partner_countries);
        if self.label == ClusterLabel::None && self.label_expires_on.is_some() {
            check.fail("labelExpiresOn", "only a labelled cluster has a label expiry");
        }
        check.optional_name("contact.person", &mut self.contact.person, NAME_MAX);
        check.optional_email("contact.email", &mut self.contact.email);
        check.optional_name("contact.phone", &mut self.contact.phone, ACRONYM_MAX);
        if self.latitude.is_some() != self.longitude.is_some() {
            check.fail("location", "give both latitude and longitude, or neither");
        }
        if self.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            check.fail("location.latitude", "must be between -90 and 90");
        }
        if self.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            check.fail("location.longitude", "must be between -180 and 180");
        }
        check.finish()
    }
}

impl ClusterProfile {
    /// Names of the fields that differ, as the API calls them.
    pub fn changed_fields(&self, new: &ClusterProfile) -> Vec<&'static str> {
        let mut changed = Vec::new();
        macro_rules! compare {
            ($($field:ident => $name:literal),+ $(,)?) => {
                $(if self.$field != new.$field { changed.push($name); })+
            };
        }
        compare!(
            slug => "slug", name => "name", local_name => "localName", acronym => "acronym", kind => "kind",
            country => "country", region => "region", city => "city", website => "website",
            description => "description", founded_year => "foundedYear", management_staff => "managementStaff",
            member_counts => "memberCounts", ecosystems => "ecosystems", emerging_industries => "emergingIndustries",
            technologies => "technologies", partner_countries => "seeksPartnersIn", label => "label", label_expires_on => "labelExpiresOn",
            status => "status", represented_by_id => "representedById", contact => "contact",
            latitude => "location", longitude => "location",
        );
        changed.dedup();
        changed
    }

    /// Every field that holds a value, for the audit entry of a new profile.
    fn filled_fields(&self) -> Vec<&'static str> {
        Self::new(String::new(), self.kind, String::new()).changed_fields(self)
    }

    /// The platform's rules for a published profile: at least 15 members of at least two kinds
    /// (the triple helix), and a website.
    pub fn publication_problems(&self) -> Vec<FieldError> {
        let c = self.member_counts;
        let kinds = [c.sme, c.start_up, c.large_company, c.research, c.other]
            .iter()
            .filter(|&&n| n > 0)
            .count();
        let mut problems = Vec::new();
        let mut fail = |field: &str, message: &str| {
            problems.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if c.total < 15 {
            fail("memberCounts.total", "a published profile needs at least 15 members");
        }
        if kinds < 2 {
            fail(
                "memberCounts",
                "a published profile needs members of at least two kinds",
            );
        }
        if self.website.is_none() {
            fail("website", "a published profile needs a website");
        }
        problems
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= SHORT_MAX
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn visible(visibility: &Visibility) -> Select<cluster::Entity> {
    cluster::Entity::find().filter(visibility.condition())
}

pub async fn find<C: ConnectionTrait>(db: &C, visibility: &Visibility, id: Uuid) -> AppResult<Option<cluster::Model>> {
    Ok(visible(visibility).filter(cluster::Column::Id.eq(id)).one(db).await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    slug: &str,
) -> AppResult<Option<cluster::Model>> {
    Ok(visible(visibility)
        .filter(cluster::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Reads back everything [`ClusterProfile`] holds for a stored cluster.
async fn load_profile<C: ConnectionTrait>(db: &C, model: &cluster::Model) -> AppResult<ClusterProfile> {
    let ecosystems = cluster_ecosystem::Entity::find()
        .filter(cluster_ecosystem::Column::ClusterId.eq(model.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.ecosystem)
        .collect();
    let emerging_industries = cluster_emerging_industry::Entity::find()
        .filter(cluster_emerging_industry::Column::ClusterId.eq(model.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.emerging_industry)
        .collect();
    let technologies = cluster_technology::Entity::find()
        .filter(cluster_technology::Column::ClusterId.eq(model.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.keyword)
        .collect();
    let partner_countries = cluster_partner_country::Entity::find()
        .filter(cluster_partner_country::Column::ClusterId.eq(model.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.country)
        .collect();
    let m = model.clone();
    Ok(ClusterProfile {
        slug: Some(m.slug),
        name: m.name,
        local_name: m.local_name,
        acronym: m.acronym,
        kind: m.kind,
        country: m.country,
        region: m.region,
        city: m.city,
        website: m.website,
        description: m.description,
        founded_year: m.founded_year,
        management_staff: m.management_staff,
        member_counts: MemberCounts {
            total: m.members_total,
            sme: m.members_sme,
            start_up: m.members_start_up,
            large_company: m.members_large_company,
            research: m.members_research,
            other: m.members_other,
        },
        ecosystems,
        emerging_industries,
        technologies,
        partner_countries,
        label: m.label,
        label_expires_on: m.label_expires_on,
        status: m.status,
        represented_by_id: m.represented_by_id,
        contact: Contact {
            person: m.contact_person,
            email: m.contact_email,
            phone: m.contact_phone,
        },
        latitude: m.latitude,
        longitude: m.longitude,
    })
}

/// The columns a profile sets; id, version and timestamps are the caller's.
fn profile_columns(p: &ClusterProfile, slug: String) -> cluster::ActiveModel {
    cluster::ActiveModel {
        slug: Set(slug),
        name: Set(p.name.clone()),
        local_name: Set(p.local_name.clone()),
        acronym: Set(p.acronym.clone()),
        kind: Set(p.kind),
        country: Set(p.country.clone()),
        region: Set(p.region.clone()),
        city: Set(p.city.clone()),
        website: Set(p.website.clone()),
        description: Set(p.description.clone()),
        founded_year: Set(p.founded_year),
        management_staff: Set(p.management_staff),
        members_total: Set(p.member_counts.total),
        members_sme: Set(p.member_counts.sme),
        members_start_up: Set(p.member_counts.start_up),
        members_large_company: Set(p.member_counts.large_company),
        members_research: Set(p.member_counts.research),
        members_other: Set(p.member_counts.other),
        label: Set(p.label),
        label_expires_on: Set(p.label_expires_on),
        status: Set(p.status),
        represented_by_id: Set(p.represented_by_id),
        contact_person: Set(p.contact.person.clone()),
        contact_email: Set(p.contact.email.clone()),
        contact_phone: Set(p.contact.phone.clone()),
        latitude: Set(p.latitude),
        longitude: Set(p.longitude),
        ..Default::default()
    }
}

/// Rewrites the profile's lists and its search document.
async fn replace_taxonomy<C: ConnectionTrait>(db: &C, id: Uuid, p: &ClusterProfile) -> AppResult<()> {
    cluster_partner_country::Entity::delete_many()
        .filter(cluster_partner_country::Column::ClusterId.eq(id))
        .exec(db)
        .await?;
    if !p.partner_countries.is_empty() {
        cluster_partner_country::Entity::insert_many(p.partner_countries.iter().map(|c| {
            cluster_partner_country::ActiveModel {
                cluster_id: Set(id),
                country: Set(c.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    cluster_ecosystem::Entity::delete_many()
        .filter(cluster_ecosystem::Column::ClusterId.eq(id))
        .exec(db)
        .await?;
    cluster_emerging_industry::Entity::delete_many()
        .filter(cluster_emerging_industry::Column::ClusterId.eq(id))
        .exec(db)
        .await?;
    cluster_technology::Entity::delete_many()
        .filter(cluster_technology::Column::ClusterId.eq(id))
        .exec(db)
        .await?;
    if !p.ecosystems.is_empty() {
        cluster_ecosystem::Entity::insert_many(p.ecosystems.iter().map(|&e| cluster_ecosystem::ActiveModel {
            cluster_id: Set(id),
            ecosystem: Set(e),
        }))
        .exec(db)
        .await?;
    }
    if !p.emerging_industries.is_empty() {
        cluster_emerging_industry::Entity::insert_many(p.emerging_industries.iter().map(|&e| {
            cluster_emerging_industry::ActiveModel {
                cluster_id: Set(id),
                emerging_industry: Set(e),
            }
        }))
        .exec(db)
        .await?;
    }
    if !p.technologies.is_empty() {
        cluster_technology::Entity::insert_many(p.technologies.iter().map(|k| cluster_technology::ActiveModel {
            cluster_id: Set(id),
            keyword: Set(k.clone()),
        }))
        .exec(db)
        .await?;
    }
    super::search::reindex(db, id).await
}

/// Checks references and the slug's uniqueness, returning the slug to store.
async fn resolve_slug<C: ConnectionTrait>(db: &C, p: &ClusterProfile, own_id: Option<Uuid>) -> AppResult<String> {
    let taken = |slug: String| async move {
        let mut q = cluster::Entity::find().filter(cluster::Column::Slug.eq(slug));
        if let Some(id) = own_id {
            q = q.filter(cluster::Column::Id.ne(id));
        }
        q.count(db).await.map(|n| n > 0)
    };
    if let Some(slug) = &p.slug {
        if taken(slug.clone()).await? {
            return Err(AppError::Conflict(format!(
                "slug: another cluster already uses the slug {slug}"
            )));
        }
        return Ok(slug.clone());
    }
    let base = match slug::slugify(&p.name) {
        s if s.is_empty() => "cluster".to_owned(),
        s => s.chars().take(100).collect::<String>().trim_end_matches('-').to_owned(),
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while taken(candidate.clone()).await? {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

async fn check_references<C: ConnectionTrait>(db: &C, p: &ClusterProfile) -> AppResult<()> {
    if let Some(partner) = p.represented_by_id {
        if partner_organisation::Entity::find_by_id(partner)
            .one(db)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound("representedById: partner organisation".into()));
        }
    }
    Ok(())
}

/// Checks what only some callers may put into a profile: a status, a partner, a country.
fn authorize_profile(actor: &Principal, old: Option<&ClusterProfile>, new: &mut ClusterProfile) -> AppResult<()> {
    if old.is_none_or(|o| o.country != new.country) {
        policy::may_create_cluster(actor, &new.country)?;
    }
    let default_status = old.map_or(ClusterStatus::Draft, |o| o.status);
    if new.status != default_status {
        policy::may_set_status(actor)?;
    }
    if old.is_none() && new.represented_by_id.is_none() && actor.role == Role::Partner {
        // A partner registers clusters on its own behalf unless it says otherwise.
        new.represented_by_id = actor.partner_organisations.first().copied();
    }
    if let Some(partner) = new.represented_by_id {
        if old.is_none_or(|o| o.represented_by_id != Some(partner)) {
            policy::may_assign_partner(actor, partner)?;
        }
    }
    Ok(())
}

/// Inserts a checked profile; the caller owns the transaction.
async fn insert<C: ConnectionTrait>(db: &C, actor: &Principal, profile: &ClusterProfile) -> AppResult<cluster::Model> {
    check_references(db, profile).await?;
    let slug = resolve_slug(db, profile, None).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut row = profile_columns(profile, slug);
    row.id = Set(id);
    row.version = Set(1);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let model = cluster::Entity::insert(row).exec_with_returning(db).await?;
    replace_taxonomy(db, id, profile).await?;
    let entry = Entry {
        entity_type: "Cluster",
        entity_id: id,
        action: "CREATE",
        changed_fields: profile.filled_fields(),
        country: Some(model.country.clone()),
    };
    audit::record(db, actor, entry).await?;
    Ok(model)
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profile: ClusterProfile,
) -> AppResult<cluster::Model> {
    profile.validate()?;
    authorize_profile(actor, None, &mut profile)?;
    let txn = db.begin().await?;
    let model = insert(&txn, actor, &profile).await?;
    txn.commit().await?;
    Ok(model)
}

/// Registers many profiles at once, all or nothing. Every row is checked before anything is
/// written, and every problem names its row: `clusters[3].country`.
pub async fn register_many<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profiles: Vec<ClusterProfile>,
) -> AppResult<Vec<cluster::Model>> {
    const MAX_ROWS: usize = 500;
    if profiles.is_empty() || profiles.len() > MAX_ROWS {
        return Err(AppError::bad_field(
            "clusters",
            format!("send between 1 and {MAX_ROWS} clusters"),
        ));
    }
    let mut fields = Vec::new();
    let mut forbidden = Vec::new();
    for (i, profile) in profiles.iter_mut().enumerate() {
        match profile.validate() {
            Err(AppError::BadUserInput { fields: bad, .. }) => fields.extend(bad.into_iter().map(|f| FieldError {
                field: format!("clusters[{i}].{}", f.field),
                message: f.message,
            })),
            Err(other) => return Err(other),
            Ok(()) => {
                if authorize_profile(actor, None, profile).is_err() {
                    forbidden.push(format!("clusters[{i}]"));
                }
            }
        }
    }
    if !fields.is_empty() {
        let rows: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        return Err(AppError::BadUserInput {
            message: format!("invalid rows: {}", rows.join(", ")),
            fields,
        });
    }
    if !forbidden.is_empty() {
        return Err(AppError::Forbidden(format!(
            "you may not register {}",
            forbidden.join(", ")
        )));
    }
    let txn = db.begin().await?;
    let mut models = Vec::with_capacity(profiles.len());
    for (i, profile) in profiles.iter().enumerate() {
        let model = insert(&txn, actor, profile).await.map_err(|err| match err {
            AppError::Conflict(m) => AppError::Conflict(format!("clusters[{i}]: {m}")),
            AppError::NotFound(m) => AppError::NotFound(format!("clusters[{i}].{m}")),
            other => other,
        })?;
        models.push(model);
    }
    txn.commit().await?;
    Ok(models)
}

/// Loads a cluster for a write, under the lock of its version.
async fn locked<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    expected_version: i32,
    authorize: impl FnOnce(&cluster::Model) -> AppResult<()>,
) -> AppResult<cluster::Model> {
    let current = cluster::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("cluster".into()))?;
    // Permission before version: a refused caller learns nothing about the record's history.
    authorize(&current)?;
    if current.version != expected_version {
        return Err(stale(current.version, expected_version));
    }
    Ok(current)
}

/// Writes `row` if the version is still the one read; the version in the WHERE clause catches a
/// writer that slipped in after our read.
async fn save<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    expected_version: i32,
    mut row: cluster::ActiveModel,
) -> AppResult<cluster::Model> {
    row.version = Set(expected_version + 1);
    row.updated_at = Set(Utc::now());
    let result = cluster::Entity::update_many()
        .set(row)
        .filter(cluster::Column::Id.eq(id))
        .filter(cluster::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(stale(expected_version + 1, expected_version));
    }
    cluster::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the cluster is missing after its update"))
}

/// Applies `change` to the stored profile, provided nobody changed it since the client read
/// `expected_version` and the caller may make the change.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    change: impl FnOnce(&mut ClusterProfile),
) -> AppResult<cluster::Model> {
    let txn = db.begin().await?;
    let current = locked(&txn, id, expected_version, |c| policy::may_edit_cluster(actor, c)).await?;
    let old = load_profile(&txn, &current).await?;
    let mut profile = old.clone();
    change(&mut profile);
    profile.validate()?;
    authorize_profile(actor, Some(&old), &mut profile)?;
    check_references(&txn, &profile).await?;
    let slug = resolve_slug(&txn, &profile, Some(id)).await?;
    let model = save(&txn, id, expected_version, profile_columns(&profile, slug)).await?;
    replace_taxonomy(&txn, id, &profile).await?;
    let entry = Entry {
        entity_type: "Cluster",
        entity_id: id,
        action: "UPDATE",
        changed_fields: old.changed_fields(&profile),
        country: Some(model.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(model)
}

/// Moves a profile along its review workflow.
#[derive(Debug, Clone)]
pub enum Review {
    /// DRAFT → NEEDS_REVIEW, by anyone who may edit the profile.
    Submit,
    /// NEEDS_REVIEW → PUBLISHED, by its partner or an administrator; the platform's rules apply
    /// unless the reviewer waives them, giving a reason.
    Publish { waiver: Option<String> },
    /// NEEDS_REVIEW → DRAFT, with the reason the managers will read.
    Reject { reason: String },
}

pub async fn review<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    step: Review,
) -> AppResult<cluster::Model> {
    let reason_of = |field: &str, text: &str| {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            Err(AppError::bad_field(field, "give a reason of 1–2000 characters"))
        } else {
            Ok(text.to_owned())
        }
    };
    let txn = db.begin().await?;
    let current = locked(&txn, id, expected_version, |c| match &step {
        Review::Submit => policy::may_edit_cluster(actor, c),
        Review::Publish { .. } | Review::Reject { .. } => policy::may_review_cluster(actor, c),
    })
    .await?;
    let (from, to, action) = match &step {
        Review::Submit => (ClusterStatus::Draft, ClusterStatus::NeedsReview, "SUBMIT_FOR_REVIEW"),
        Review::Publish { .. } => (ClusterStatus::NeedsReview, ClusterStatus::Published, "PUBLISH"),
        Review::Reject { .. } => (ClusterStatus::NeedsReview, ClusterStatus::Draft, "REJECT"),
    };
    if current.status != from {
        return Err(AppError::Conflict(format!(
            "the profile is {:?}; this step needs it to be {:?}",
            current.status, from
        )));
    }
    let note = match &step {
        Review::Submit => None,
        Review::Publish { waiver: Some(reason) } => Some(reason_of("waiverReason", reason)?),
        Review::Publish { waiver: None } => {
            let problems = load_profile(&txn, &current).await?.publication_problems();
            if !problems.is_empty() {
                return Err(AppError::BadUserInput {
                    message: "the profile does not meet the publication rules; fix it or waive them with a reason"
                        .into(),
                    fields: problems,
                });
            }
            None
        }
        Review::Reject { reason } => Some(reason_of("reason", reason)?),
    };
    let row = cluster::ActiveModel {
        status: Set(to),
        review_note: Set(note),
        ..Default::default()
    };
    let model = save(&txn, id, expected_version, row).await?;
    let entry = Entry {
        entity_type: "Cluster",
        entity_id: id,
        action,
        changed_fields: vec!["status"],
        country: Some(model.country.clone()),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(model)
}

pub(crate) fn stale(current: i32, expected: i32) -> AppError {
    AppError::Conflict(format!(
        "version {expected} is stale: the record is now at version {current}; read it again and reapply your change"
    ))
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = db.begin().await?;
    let current = cluster::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("cluster".into()))?;
    policy::may_review_cluster(actor, &current)?;
    // A partner organisation's own profile may go; the organisation stays without one.
    partner_organisation::Entity::update_many()
        .col_expr(
            partner_organisation::Column::ClusterId,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(partner_organisation::Column::ClusterId.eq(id))
        .exec(&txn)
        .await?;
    // Before the row goes: the full-text index finds its row through a key the delete cascades to.
    super::search::forget_fts(&txn, id).await?;
    cluster::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = Entry {
        entity_type: "Cluster",
        entity_id: id,
        action: "DELETE",
        changed_fields: vec![],
        country: Some(current.country),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(id)
}

/// A cluster that must exist, for checks before a write.
pub(crate) async fn existing<C: ConnectionTrait>(db: &C, field: &str, id: Uuid) -> AppResult<cluster::Model> {
    cluster::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{field}: cluster")))
}
