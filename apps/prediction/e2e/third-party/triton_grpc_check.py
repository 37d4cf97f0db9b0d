"""Drives a Ratchet prediction server with NVIDIA Triton's own Python gRPC client (tritonclient).

Used by third-party-client.e2e.spec.ts to show that an unmodified third-party Open Inference
Protocol client works against Ratchet. Reads a JSON request on stdin:
  {"url": "127.0.0.1:8001", "model": "demo", "columns": {"x1": [..], "color": [..], ...}}
and prints one JSON document with what the client saw.
"""
import json
import sys

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException


def main() -> None:
    req = json.load(sys.stdin)
    client = grpcclient.InferenceServerClient(url=req["url"])
    out = {
        "live": client.is_server_live(),
        "ready": client.is_server_ready(),
        "model_ready": client.is_model_ready(req["model"]),
        "server": client.get_server_metadata(as_json=True),
        "metadata": client.get_model_metadata(req["model"], as_json=True),
    }
    inputs = []
    for spec in out["metadata"]["inputs"]:
        values = req["columns"][spec["name"]]
        if spec["datatype"] == "BYTES":
            arr = np.array([v.encode("utf-8") for v in values], dtype=np.object_).reshape(-1, 1)
        else:
            arr = np.array([np.nan if v is None else v for v in values], dtype=np.float32).reshape(-1, 1)
        tensor = grpcclient.InferInput(spec["name"], list(arr.shape), spec["datatype"])
        tensor.set_data_from_numpy(arr)
        inputs.append(tensor)
    outputs = [grpcclient.InferRequestedOutput("probabilities"), grpcclient.InferRequestedOutput("label")]
    result = client.infer(req["model"], inputs, outputs=outputs, request_id="triton-client-1")
    out["response_id"] = result.get_response().id
    out["model_version"] = result.get_response().model_version
    out["probabilities"] = result.as_numpy("probabilities").tolist()
    out["label"] = result.as_numpy("label").tolist()
    try:
        client.infer("no-such-model", inputs)
        out["unknown_model_error"] = None
    except InferenceServerException as err:
        out["unknown_model_error"] = {"status": err.status(), "message": err.message()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
