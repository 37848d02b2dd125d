# The app in a container, after Streamlit's deployment guide (docs.streamlit.io: "Deploy Streamlit using Docker").
#   docker build -t draw-it .
#   docker run -p 8501:8501 -e CLASSIFIER_DATABASE_URL=postgresql+psycopg://user:password@db:5432/corrections draw-it
# Without CLASSIFIER_DATABASE_URL, corrections go to an SQLite file in /app/data (lost with the
# container unless /app/data is a volume). The models ship in assets/; the explorer uses the shipped
# test sample unless the datasets are fetched into /app/data.
FROM python:3.11-slim

WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

# The app's requirements and the worker's (TensorFlow), which trains learners' networks beside it.
COPY requirements.txt requirements-worker.txt ./
RUN pip install --no-cache-dir -r requirements-worker.txt

COPY app.py ./
COPY .streamlit .streamlit
COPY assets assets
COPY classifier classifier
COPY locales locales
COPY ui ui
COPY views views

EXPOSE 8501

HEALTHCHECK CMD curl --fail http://localhost:8501/_stcore/health

# One worker and the app, as app.sh starts them; set CLASSIFIER_DATABASE_URL so that both use one database.
ENTRYPOINT ["bash", "-c", "python -m classifier worker & exec streamlit run app.py --server.port=8501 --server.address=0.0.0.0"]
