//! Accounts in GraphQL: who you are, sign-up and sessions, roles and invitations to manage a cluster.
//!
//! Why this file is long: every field, input and payload carries the description GraphiQL shows;
//! without the doc comments it is about 360 lines.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{invitation, user};
use uuid::Uuid;

use crate::{
    auth::Actor,
    domain::{
        account::{self, Grant},
        policy,
    },
    error::{AppError, AppResult},
    graphql::{
        cluster::{Cluster, TYPE_NAME as CLUSTER},
        context::{caller, db, links, loaders, password_guard, tokens},
        loaders as l, node,
        partner_organisation::{PartnerOrganisation, TYPE_NAME as PARTNER_ORGANISATION},
    },
};

pub const TYPE_NAME: &str = "User";
pub const INVITATION: &str = "Invitation";

/// What a signed-in account may do; each role includes what the ones before it may.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    /// A signed-in person: sees contact details besides what anyone sees, once its e-mail address
    /// is verified.
    User,
    /// Edits the clusters it manages: profile, members, stories, partnership seats.
    ClusterManager,
    /// A national partner: looks after every cluster of its countries, registers and publishes them.
    Partner,
    /// The platform secretariat: everything.
    Admin,
}

#[derive(Clone)]
pub struct User(pub user::Model);

#[Object]
/// A person with an account.
impl User {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The name the person goes by on the platform.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Only for the person themself and administrators.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        let p = caller(ctx).principal()?;
        policy::may_see_email(p, self.0.id).then_some(self.0.email.as_str())
    }
    /// Whether the person opened the link of a verification mail (or proved the address by
    /// accepting an invitation or resetting the password); only for the person themself and
    /// administrators, like `email`. Accounts made by the platform count as verified.
    async fn email_verified(&self, ctx: &Context<'_>) -> Option<bool> {
        let p = caller(ctx).principal()?;
        policy::may_see_email(p, self.0.id).then_some(self.0.email_verified_at.is_some())
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct Me(crate::auth::Principal);

#[Object]
/// Who you are to the API, as your access token says.
impl Me {
    /// Your account; null for an API key or an operator's token.
    async fn user(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        match self.0.actor {
            Actor::User(id) => Ok(account::find_user(db(ctx), id).await?.map(User)),
            _ => Ok(None),
        }
    }
    /// The token's subject: an e-mail address for a person, an identifier for an API key or an operator.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Whether your e-mail address was verified, as your access token says: a verification
    /// reaches it at the next `refreshToken` or `login`. Until it is true, a USER sees no
    /// contact details. True for API keys and operators.
    async fn email_verified(&self) -> bool {
        self.0.email_verified
    }
    /// Your highest role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// Countries you act for as a partner.
    async fn countries(&self) -> &[String] {
        &self.0.countries
    }
    /// Clusters you manage.
    async fn clusters(&self, ctx: &Context<'_>) -> AppResult<Vec<Cluster>> {
        let found = loaders(ctx)
            .load_many(self.0.clusters.iter().copied().map(l::ClusterById))
            .await?;
        Ok(self
            .0
            .clusters
            .iter()
            .filter_map(|id| found.get(&l::ClusterById(*id)).cloned().map(Cluster))
            .collect())
    }
    /// Partner organisations you act for.
    async fn partner_organisations(&self, ctx: &Context<'_>) -> AppResult<Vec<PartnerOrganisation>> {
        let ids = &self.0.partner_organisations;
        let found = loaders(ctx)
            .load_many(ids.iter().copied().map(l::PartnerOrganisationById))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                found
                    .get(&l::PartnerOrganisationById(*id))
                    .cloned()
                    .map(PartnerOrganisation)
            })
            .collect())
    }
}

#[derive(Clone)]
pub struct Invitation(pub invitation::Model);

#[Object]
/// An invitation to manage a cluster.
impl Invitation {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(INVITATION, self.0.id)
    }
    /// The address the invitation was sent to; only that person can accept it.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The cluster the invitation is for; null when you may not see it.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    /// When the invitation stops working: 7 days after it was sent.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// You, as your credentials say; null when you are not signed in.
    async fn me(&self, ctx: &Context<'_>) -> Option<Me> {
        caller(ctx).principal().cloned().map(Me)
    }

    /// An account by e-mail address, for administrators and partners who grant roles.
    async fn user_by_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail address, in any case.")] email: String,
    ) -> AppResult<Option<User>> {
        policy::may_look_up_accounts(policy::signed_in(caller(ctx))?)?;
        Ok(account::find_user_by_email(db(ctx), &email).await?.map(User))
    }
}

/// A new account.
#[derive(InputObject)]
pub struct RegisterInput {
    /// E-mail address; used to sign in.
    pub email: String,
    /// The name the person goes by on the platform.
    pub display_name: String,
    /// 12–128 characters.
    pub password: String,
    /// BCP 47 tag of the language your mails are written in (`en`, `zh-TW` …); English if none
    /// or not offered. Mails are written in English and Traditional Chinese.
    pub language: Option<String>,
}

/// The result of `register`.
#[derive(SimpleObject)]
pub struct RegisterPayload {
    /// The new account.
    pub user: User,
}

/// Credentials to sign in with.
#[derive(InputObject)]
pub struct LoginInput {
    /// The account's e-mail address.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// A new session: send `accessToken` as `Authorization: Bearer`, and trade `refreshToken` for a
/// new pair before the access token expires.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <accessToken>`; valid for `expiresIn` seconds (15 minutes by
    /// default).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single use: each refresh returns a new one.
    pub refresh_token: String,
    /// The signed-in account.
    pub user: User,
}

impl From<account::Session> for LoginPayload {
    fn from(s: account::Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: "Bearer".into(),
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
            user: User(s.user),
        }
    }
}

/// The refresh token to trade.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The `refreshToken` of the last sign-in or refresh; single use.
    pub refresh_token: String,
}

/// The session to end.
#[derive(InputObject)]
pub struct LogoutInput {
    /// The session's current refresh token.
    pub refresh_token: String,
}

/// The result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// True once the session has ended.
    pub signed_out: bool,
}

/// A new password for your account.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// Your password now.
    pub current_password: String,
    /// The new password: 12–128 characters.
    pub new_password: String,
}

/// The result of `changePassword`.
#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    /// Every refresh token and access token of the account has been revoked (access tokens within
    /// REVOCATION_DELAY, 5 s by default): sign in again on other devices.
    pub signed_out_elsewhere: bool,
}

/// A role to give an account, or take from it.
#[derive(InputObject)]
pub struct GrantRoleInput {
    /// The account's global ID.
    pub user_id: ID,
    /// The role.
    pub role: Role,
    /// For PARTNER: the partner organisation the user acts for.
    pub partner_organisation_id: Option<ID>,
    /// For CLUSTER_MANAGER: the cluster the user manages.
    pub cluster_id: Option<ID>,
}

/// The result of `grantRole` or `revokeRole`.
#[derive(SimpleObject)]
pub struct GrantRolePayload {
    /// A granted role applies from the user's next sign-in or token refresh; a revoked one ends the
    /// user's access tokens at once (within REVOCATION_DELAY), and refreshing gives one without it.
    pub user: User,
}

/// A colleague to invite as a manager of a cluster.
#[derive(InputObject)]
pub struct InviteClusterManagerInput {
    /// The cluster, which you manage.
    pub cluster_id: ID,
    /// The colleague's e-mail address.
    pub email: String,
}

/// The result of `inviteClusterManager`.
#[derive(SimpleObject)]
pub struct InviteClusterManagerPayload {
    /// The invitation, mailed to the colleague with a link carrying its token (the token is in
    /// no answer of the API).
    pub invitation: Invitation,
}

/// The invitation to accept.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The `token` parameter of the link in the invitation mail.
    pub token: String,
}

/// The result of `acceptInvitation`.
#[derive(SimpleObject)]
pub struct AcceptInvitationPayload {
    /// The cluster you now manage; refresh your token to act on it.
    pub cluster: Cluster,
}

fn grant_of(input: &GrantRoleInput) -> AppResult<Grant> {
    let need = |field: &str, id: &Option<ID>, type_name: &str| -> AppResult<Uuid> {
        let id = id
            .as_ref()
            .ok_or_else(|| AppError::bad_field(field, format!("required for {:?}", input.role)))?;
        node::decode(field, id, type_name)
    };
    match input.role {
        Role::Admin => Ok(Grant::Admin),
        Role::Partner => Ok(Grant::Partner(need(
            "partnerOrganisationId",
            &input.partner_organisation_id,
            PARTNER_ORGANISATION,
        )?)),
        Role::ClusterManager => Ok(Grant::ClusterManager(need("clusterId", &input.cluster_id, CLUSTER)?)),
        Role::User => Err(AppError::bad_field("role", "every account is a USER already")),
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account with the USER role and mails a link to verify its address; until it
    /// is opened (`verifyEmail`), the account sees no contact details.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RegisterInput`.")] input: RegisterInput,
    ) -> AppResult<RegisterPayload> {
        let new = account::NewAccount {
            email: &input.email,
            display_name: &input.display_name,
            password: &input.password,
            language: input.language.as_deref(),
        };
        let user = account::register(db(ctx), links(ctx), new).await?;
        Ok(RegisterPayload { user: User(user) })
    }

    /// Signs in with e-mail address and password; wrong credentials give UNAUTHENTICATED. After 10
    /// failures in 15 minutes for one account (or 50 from one address) it answers RATE_LIMITED
    /// until the oldest leaves the window, even to the right password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `LoginInput`.")] input: LoginInput,
    ) -> AppResult<LoginPayload> {
        Ok(account::login(
            db(ctx),
            tokens(ctx),
            &password_guard(ctx),
            &input.email,
            &input.password,
        )
        .await?
        .into())
    }

    /// Trades a refresh token for a new access token and refresh token; the old one stops working.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RefreshTokenInput`.")]
        input: RefreshTokenInput,
    ) -> AppResult<LoginPayload> {
        Ok(account::refresh(db(ctx), tokens(ctx), &input.refresh_token)
            .await?
            .into())
    }

    /// Ends the session the refresh token belongs to, its access tokens included.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `LogoutInput`.")] input: LogoutInput,
    ) -> AppResult<LogoutPayload> {
        account::logout(db(ctx), &input.refresh_token).await?;
        Ok(LogoutPayload { signed_out: true })
    }

    /// Changes your password and signs you out everywhere else.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ChangePasswordInput`.")]
        input: ChangePasswordInput,
    ) -> AppResult<ChangePasswordPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        account::change_password(
            db(ctx),
            &password_guard(ctx),
            actor,
            &input.current_password,
            &input.new_password,
        )
        .await?;
        Ok(ChangePasswordPayload {
            signed_out_elsewhere: true,
        })
    }

    /// Administrators grant ADMIN and PARTNER; partners and administrators appoint cluster managers.
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `GrantRoleInput`.")] input: GrantRoleInput,
    ) -> AppResult<GrantRolePayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let user_id = node::decode("userId", &input.user_id, TYPE_NAME)?;
        let user = account::grant(db(ctx), actor, user_id, grant_of(&input)?).await?;
        Ok(GrantRolePayload { user: User(user) })
    }

    /// Takes a role away; the same people who may grant it may revoke it.
    async fn revoke_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `GrantRoleInput`.")] input: GrantRoleInput,
    ) -> AppResult<GrantRolePayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let user_id = node::decode("userId", &input.user_id, TYPE_NAME)?;
        let user = account::revoke(db(ctx), actor, user_id, grant_of(&input)?).await?;
        Ok(GrantRolePayload { user: User(user) })
    }

    /// Invites a colleague, by e-mail address, to manage a cluster with you: the colleague is
    /// mailed a link to `PUBLIC_BASE_URL/invitations/accept?token=…`, valid 7 days.
    async fn invite_cluster_manager(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `InviteClusterManagerInput`.")]
        input: InviteClusterManagerInput,
    ) -> AppResult<InviteClusterManagerPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let invitation = account::invite(db(ctx), links(ctx), actor, cluster_id, &input.email).await?;
        Ok(InviteClusterManagerPayload {
            invitation: Invitation(invitation),
        })
    }

    /// Accepts an invitation sent to your e-mail address.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `AcceptInvitationInput`.")]
        input: AcceptInvitationInput,
    ) -> AppResult<AcceptInvitationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster = account::accept_invitation(db(ctx), actor, &input.token).await?;
        Ok(AcceptInvitationPayload {
            cluster: Cluster(cluster),
        })
    }
}
