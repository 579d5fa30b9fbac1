/** Version 2 of the same contract, tightened: the email must be an email, the plan one of three. */
import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  signup: {
    payload: Type.Object({
      email: Type.String({ format: "email" }),
      plan: Type.Union([Type.Literal("free"), Type.Literal("pro"), Type.Literal("team")]),
    }),
  },
});
