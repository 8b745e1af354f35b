# syntax=docker/dockerfile:1
# The API as a small image: built in a full Rust image, run from distroless (glibc and
# ca-certificates, no shell, no package manager) as an unprivileged user. See README,
# "Deployment"; tests/api/deployment.rs checks the shape of this file.

# Build stage: the whole workspace, release profile.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# build.rs fetches GraphiQL's browser build with `npm ci` (pinned by graphiql/package-lock.json)
# from the npm registry and embeds it in the binary: no CDN at build or run time.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
# Caches survive between builds (BuildKit); the binary is copied out of the cached target/.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin clusterbridge \
    && install -D target/release/clusterbridge /out/clusterbridge
# The working directory the final stage runs in, with the folders the defaults write to
# (the SQLite file data/eccp.db, mail-out/ for mails without SMTP_URL), owned by the user.
RUN install -d -o 65532 -g 65532 /out/app /out/app/data /out/app/mail-out

# Run stage: the binary alone. distroless's `nonroot` user is uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/clusterbridge /usr/local/bin/clusterbridge
COPY --from=build --chown=65532:65532 /out/app /app
WORKDIR /app
USER 65532:65532
# Reachable from outside the container; the binary's own default is loopback only.
ENV LISTEN_ADDR=0.0.0.0:8080
EXPOSE 8080
VOLUME ["/app/data"]
# No curl in this image: the binary probes itself (GET /readyz on LISTEN_ADDR, exit 0 on 200).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["clusterbridge", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["clusterbridge"]
CMD ["serve"]
