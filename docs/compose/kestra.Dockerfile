# Kestra's official image plus Node.js: the flows run each bundled task with plain node on
# the worker (Process task runner), as the local Kestra does. Kestra 2.0 has no plugin
# defaults to switch every task to the Docker runner from outside the flows.
FROM kestra/kestra:v2.0.0
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/* \
 && node --version
