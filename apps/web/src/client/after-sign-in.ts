// Where the sign-in page goes once signed in: `?next=` when it names one of our own pages (an
// invite link sends a person with an account here first), else the apps list. Only a plain path on
// this origin is followed, so a crafted link cannot send someone to another site after sign-in.
const OWN_PATH = /^\/(?![/\\])[A-Za-z0-9/_\-.]{0,300}$/;

export function afterSignInPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && OWN_PATH.test(next) ? next : "/apps";
}
