# Gradient Lab in a container: only requirements.txt installed, run with the README's command.
# One container is one `streamlit run` process; compose.yaml runs several behind HAProxy.
FROM python:3.12-slim

RUN useradd --create-home --uid 1000 lab
WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt
# The app writes one thing at run time: static/, its copy of plotly.js (see ui/chart.py).
COPY --chown=lab:lab . .
RUN mkdir -p static && chown lab:lab /app static
USER lab

EXPOSE 8501
# A server opens no browser (.streamlit/config.toml opens one for the README's command on a laptop).
ENV STREAMLIT_SERVER_HEADLESS=true
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD [".venv/bin/python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD [".venv/bin/streamlit", "run", "dashboard.py"]
