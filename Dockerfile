# haystack-tui headless service.
# Build: docker build -t haystack-tui .    Run: docker run -e DATABASE_URL=... -p 8080:8080 haystack-tui
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip build
COPY pyproject.toml README.md ./
COPY haystack_tui ./haystack_tui
COPY headless ./headless
COPY schema ./schema
RUN python -m build --wheel --outdir /wheels

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PORT=8080 HAYSTACK_DATA_DIR=/data
RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER app
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os,urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT','8080'), timeout=4).status == 200 else 1)"
CMD ["python", "-m", "headless"]
