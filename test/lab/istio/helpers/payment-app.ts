// The payment workload the Istio scenarios deploy in namespace `shop`: its ServiceAccount, a Deployment of the course's
// generic service with a readiness probe, and its Service on port 8000 (YAML, for `kubectl apply -f -`).
export const PAYMENT_APP_YAML = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: payment, namespace: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: payment, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: payment } }
  template:
    metadata: { labels: { app: payment, version: v1 } }
    spec:
      serviceAccountName: payment
      containers:
      - name: payment
        image: kdop/generic-service:0.0.5
        env: [{ name: APP, value: payment }, { name: VERSION, value: v1 }]
        ports: [{ containerPort: 8000, name: http }]
        readinessProbe: { httpGet: { path: /healthz, port: 8000 }, periodSeconds: 2 }
---
apiVersion: v1
kind: Service
metadata: { name: payment, namespace: shop, labels: { app: payment } }
spec:
  selector: { app: payment }
  ports: [{ name: http, port: 8000, targetPort: 8000 }]
`;
