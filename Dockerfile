FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY panel panel
COPY orders orders
COPY gateways gateways
COPY templates templates
COPY static static
COPY locale locale
COPY manage.py .
RUN pip install --no-cache-dir . \
 && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER nobody
EXPOSE 8000
