import Type from "typebox";
import { defineJobs, Sensitive } from "typed-jobs";

export default defineJobs({
  /** Signs in to a partner's API; the password and the token never show in ops output. */
  partnerLogin: {
    payload: Type.Object({
      user: Type.String(),
      password: Sensitive(Type.String({ minLength: 8 })),
      otp: Type.Optional(Sensitive(Type.String({ pattern: "^[0-9]{6}$" }))),
      tokens: Type.Array(Type.Object({ scope: Type.String(), value: Sensitive(Type.String()) })),
    }),
  },
});
