# syntax=docker/dockerfile:1
# Ferrite image: built with Maven on JDK 21, run on a JRE 21.
#   docker build -t ferrite .
#   docker run --rm -p 6379:6379 -p 11211:11211 -p 9121:9121 ferrite

# ---- build ---------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
# Dependencies first, so that source edits reuse the cached layer.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline || true
COPY src ./src
RUN mvn -B -DskipTests package

# ---- runtime -------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre
LABEL org.opencontainers.image.title="Ferrite" \
      org.opencontainers.image.description="Redis 7.0- and memcached-compatible in-memory cache server" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /build/target/ferrite.jar /opt/ferrite/ferrite.jar
COPY conf/ferrite.conf /etc/ferrite/ferrite.conf
COPY LICENSE /opt/ferrite/LICENSE
WORKDIR /var/lib/ferrite
# 6379: Redis protocol, 11211: memcached text protocol, 9121: Prometheus metrics (/metrics).
EXPOSE 6379 11211 9121
# Extra JVM flags, e.g. -Xmx2g.
ENV FERRITE_JAVA_OPTS=""
# The shipped config already binds every interface (`bind * -::*`); it is repeated here so that a
# mounted config meant for a host cannot make the container unreachable. Protected mode is off, as
# in Redis's official image: clients come from the bridge network, never from the container's own
# loopback, and would all be refused without a password (`command: ["--protected-mode", "yes"]`
# or a requirepass turns it back on). Further directives can
# be appended as arguments: docker run ferrite --shards 2 (the exec form passes them through).
ENTRYPOINT ["/bin/sh", "-c", "exec java $FERRITE_JAVA_OPTS -jar /opt/ferrite/ferrite.jar /etc/ferrite/ferrite.conf --bind '* -::*' --protected-mode no \"$@\"", "ferrite"]
