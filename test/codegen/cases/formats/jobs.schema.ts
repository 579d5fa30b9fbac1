import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  /**
   * Registers a device for push notifications.
   * The token is checked against a pattern; `*\/` stays inside the comment.
   */
  register_device: {
    payload: Type.Object(
      {
        deviceId: Type.String({ format: "uuid" }),
        token: Type.String({ pattern: "^[a-f0-9]{64}$" }),
        owner: Type.String({ format: "email" }),
        "x-platform": Type.Union([Type.Literal("ios"), Type.Literal("android")]),
        registeredAt: Type.String({ format: "date-time" }),
        callback: Type.Optional(Type.String({ format: "uri" })),
        ip: Type.Optional(Type.String({ format: "ipv4" })),
        slot: Type.Integer({ minimum: 0, maximum: 7, description: "Which of the 8 slots of the account." }),
        labels: Type.Record(Type.String({ pattern: "^[a-z]+$" }), Type.String({ maxLength: 40 })),
        point: Type.Tuple([Type.Number(), Type.Number()]),
      },
      { additionalProperties: false },
    ),
    priority: 7,
    timeout: "30s",
    backoff: "none",
  },
  audit: {
    description: "Writes one audit line.",
    payload: Type.Object({ line: Type.String({ pattern: "^\\S.*$", minLength: 1 }), level: Type.Enum(["info", "warn", "error"]) }),
  },
});
