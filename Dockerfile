# Build stage: the whole workspace, release profile.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# build.rs fetches GraphiQL's browser build with `npm ci` (pinned by graphiql/package-lock.json).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked --bin clusterbridge

# Run stage: the binary alone, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 clusterbridge
COPY --from=build /src/target/release/clusterbridge /usr/local/bin/clusterbridge
USER clusterbridge
EXPOSE 8080
ENTRYPOINT ["clusterbridge"]
CMD ["serve"]
