//! Access tokens (RFC 8725): the algorithm is never taken on the token's word. Our own tokens are
//! HS256 with keys named by `kid`, so a new key can sign while retired ones still verify; a partner's
//! identity provider may be trusted for RS256 or EdDSA tokens with its configured public key.

use std::{collections::HashMap, time::Duration};

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Principal, Role};
use crate::error::{AppError, AppResult};

pub const ISSUER: &str = "clusterbridge";
pub const AUDIENCE: &str = "clusterbridge-api";
const REQUIRED: [&str; 6] = ["exp", "nbf", "iat", "iss", "aud", "sub"];

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<Uuid>,
    /// The sign-in (refresh-token family) the token belongs to; signing out ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    /// The user's token generation when the token was issued; a newer one ends it. Tokens
    /// without one count as generation 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gen: Option<i64>,
    /// `false` while the account's e-mail address is unverified; absent otherwise (and on
    /// tokens of API keys, operators and partners' identity providers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// A partner's identity provider whose tokens we accept, within limits: never ADMIN, and only
/// for the countries configured here.
#[derive(Clone)]
pub struct PartnerIdp {
    pub issuer: String,
    pub algorithm: Algorithm,
    pub key: DecodingKey,
    pub countries: Vec<String>,
}

/// Why a partner's identity provider cannot be trusted as configured.
#[derive(Debug, thiserror::Error)]
pub enum PartnerIdpError {
    #[error("partner identity provider algorithm {0:?}: use RS256 or EdDSA")]
    Algorithm(String),
    #[error("partner identity provider key: {0}")]
    Key(#[from] jsonwebtoken::errors::Error),
}

impl PartnerIdp {
    /// `algorithm` is RS256 or EdDSA; `pem` the provider's public key.
    pub fn from_pem(
        issuer: &str,
        algorithm: &str,
        pem: &[u8],
        countries: Vec<String>,
    ) -> Result<Self, PartnerIdpError> {
        let (algorithm, key) = match algorithm {
            "RS256" => (Algorithm::RS256, DecodingKey::from_rsa_pem(pem)),
            "EdDSA" => (Algorithm::EdDSA, DecodingKey::from_ed_pem(pem)),
            other => return Err(PartnerIdpError::Algorithm(other.to_owned())),
        };
        let key = key?;
        Ok(Self {
            issuer: issuer.to_owned(),
            algorithm,
            key,
            countries,
        })
    }
}

/// What ties an access token to the state that can revoke it before it expires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp {
    pub session: Option<Uuid>,
    pub generation: i64,
}

#[derive(Clone)]
pub struct TokenService {
    signing_kid: String,
    signing_key: EncodingKey,
    verifying_keys: HashMap<String, DecodingKey>,
    partner_idp: Option<PartnerIdp>,
    pub access_ttl: Duration,
}

impl TokenService {
    /// One HS256 key that signs and verifies.
    pub fn new(secret: &str) -> Self {
        Self::with_keys("primary", secret, &[], None, Duration::from_secs(15 * 60))
    }

    /// `retired` keys only verify, so tokens they signed stay good until they expire.
    pub fn with_keys(
        kid: &str,
        secret: &str,
        retired: &[(String, String)],
        partner_idp: Option<PartnerIdp>,
        access_ttl: Duration,
    ) -> Self {
        let mut verifying_keys: HashMap<String, DecodingKey> = retired
            .iter()
            .map(|(kid, s)| (kid.clone(), DecodingKey::from_secret(s.as_bytes())))
            .collect();
        verifying_keys.insert(kid.to_owned(), DecodingKey::from_secret(secret.as_bytes()));
        Self {
            signing_kid: kid.to_owned(),
            signing_key: EncodingKey::from_secret(secret.as_bytes()),
            verifying_keys,
            partner_idp,
            access_ttl,
        }
    }

    /// A token for `principal`, valid for `ttl`.
    pub fn issue(&self, principal: &Principal, ttl: Duration) -> AppResult<String> {
        self.issue_stamped(principal, ttl, Stamp::default())
    }

    /// A token for `principal` that a sign-out or a newer token generation revokes.
    pub fn issue_stamped(&self, principal: &Principal, ttl: Duration, stamp: Stamp) -> AppResult<String> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(ttl.as_secs()).map_err(AppError::internal)?;
        let claims = Claims {
            sub: principal.subject.clone(),
            role: principal.role,
            countries: principal.countries.clone(),
            clusters: principal.clusters.clone(),
            partners: principal.partner_organisations.clone(),
            sid: stamp.session,
            gen: (stamp.generation != 0).then_some(stamp.generation),
            email_verified: (!principal.email_verified).then_some(false),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(ttl),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        encode(&header, &claims, &self.signing_key).map_err(AppError::internal)
    }

    /// A token for an operator or a test: a role and scopes, no account behind it.
    pub fn issue_for(&self, subject: &str, role: Role, ttl: Duration) -> AppResult<String> {
        let principal = Principal {
            subject: subject.to_owned(),
            actor: Principal::actor_of(subject),
            role,
            countries: vec![],
            clusters: vec![],
            partner_organisations: vec![],
            email_verified: true,
        };
        self.issue(&principal, ttl)
    }

    pub fn verify(&self, token: &str) -> AppResult<Principal> {
        self.verify_stamped(token).map(|(principal, _)| principal)
    }

    /// The principal of a genuine token, and the stamp to check against revocations.
    pub fn verify_stamped(&self, token: &str) -> AppResult<(Principal, Stamp)> {
        let refused = |why: &dyn std::fmt::Display| {
            tracing::debug!(%why, "access token refused");
            AppError::Unauthenticated("invalid or expired access token".into())
        };
        let header = decode_header(token).map_err(|e| refused(&e))?;
        let (key, validation, external) = match header.alg {
            Algorithm::HS256 => {
                let kid = header.kid.as_deref().unwrap_or(&self.signing_kid);
                let key = self
                    .verifying_keys
                    .get(kid)
                    .ok_or_else(|| refused(&format!("unknown kid {kid}")))?;
                (key, validation(Algorithm::HS256, ISSUER), None)
            }
            alg => match &self.partner_idp {
                Some(idp) if idp.algorithm == alg => (&idp.key, validation(alg, &idp.issuer), Some(idp)),
                _ => return Err(refused(&format!("algorithm {alg:?} is not accepted"))),
            },
        };
        let claims = decode::<Claims>(token, key, &validation)
            .map_err(|e| refused(&e))?
            .claims;
        if let Some(idp) = external {
            // A partner's provider speaks for its own people, never as an administrator, only for
            // its countries, and never in the name of one of our accounts.
            if claims.role == Role::Admin || !claims.countries.iter().all(|c| idp.countries.contains(c)) {
                return Err(refused(&"partner token claims more than its provider may grant"));
            }
            let principal = Principal {
                subject: format!("{}|{}", idp.issuer, claims.sub),
                actor: super::Actor::External,
                role: claims.role,
                countries: claims.countries,
                clusters: vec![],
                partner_organisations: vec![],
                email_verified: true,
            };
            return Ok((principal, Stamp::default()));
        }
        let stamp = Stamp {
            session: claims.sid,
            generation: claims.gen.unwrap_or(0),
        };
        let principal = Principal {
            actor: Principal::actor_of(&claims.sub),
            subject: claims.sub,
            role: claims.role,
            countries: claims.countries,
            clusters: claims.clusters,
            partner_organisations: claims.partners,
            email_verified: claims.email_verified.unwrap_or(true),
        };
        Ok((principal, stamp))
    }
}

fn validation(algorithm: Algorithm, issuer: &str) -> Validation {
    let mut v = Validation::new(algorithm);
    v.set_issuer(&[issuer]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&REQUIRED);
    v.validate_nbf = true;
    v.leeway = 30;
    v
}
