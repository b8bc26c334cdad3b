package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/orgs"
)

// Environment variables the GitHub lister reads a token from, in order.
var githubTokenEnv = []string{"KEYHOUND_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"}

func newReposCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "repos",
		Short: "List an organisation's repositories (clone URLs for keyhound git --repos-file)",
	}
	c.AddCommand(newReposGitHubCmd(env))
	return c
}

func newReposGitHubCmd(env *Env) *cobra.Command {
	var org, user, apiURL, output string
	var ssh, skipArchived, skipForks bool
	var maxWait time.Duration
	c := &cobra.Command{
		Use:   "github (--org NAME | --user NAME)",
		Short: "List the repositories of a GitHub organisation or user, one clone URL a line",
		Long: "List, through the GitHub REST API, the repositories of an organisation (--org) or a user\n" +
			"(--user) that the token can see, one clone URL a line, for keyhound git --repos-file.\n" +
			"The token is read from $" + strings.Join(githubTokenEnv, ", $") + " (the first set); without one,\n" +
			"only public repositories are listed, with GitHub's anonymous rate limit. Pages are followed;\n" +
			"rate limits (primary and secondary) are waited out, up to --max-wait. For GitHub Enterprise\n" +
			"Server, --api-url https://HOST/api/v3 (default: $GITHUB_API_URL, else https://api.github.com).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (org == "") == (user == "") {
				return fmt.Errorf("give one of --org NAME or --user NAME")
			}
			if apiURL == "" {
				apiURL = env.Getenv("GITHUB_API_URL")
			}
			if apiURL == "" {
				apiURL = "https://api.github.com"
			}
			gh := &orgs.GitHub{
				BaseURL: apiURL,
				MaxWait: maxWait,
				Notify:  func(msg string) { fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg) },
			}
			for _, name := range githubTokenEnv {
				if v := env.Getenv(name); v != "" {
					gh.Token = v
					break
				}
			}
			var repos []orgs.Repo
			var err error
			if org != "" {
				repos, err = gh.OrgRepos(cmd.Context(), org)
			} else {
				repos, err = gh.UserRepos(cmd.Context(), user)
			}
			if err != nil {
				return err
			}
			var b strings.Builder
			n := 0
			for _, r := range repos {
				if (skipArchived && r.Archived) || (skipForks && r.Fork) || r.Disabled {
					continue
				}
				u := r.CloneURL
				if ssh {
					u = r.SSHURL
				}
				if u == "" {
					continue
				}
				b.WriteString(u)
				b.WriteByte('\n')
				n++
			}
			out := env.Stdout
			if output != "" {
				f, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
				if err != nil {
					return fmt.Errorf("--output %s: %w", output, unwrapErr(err))
				}
				defer f.Close()
				out = f
			}
			if _, err := fmt.Fprint(out, b.String()); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "keyhound: %d repositories listed (%d skipped)\n", n, len(repos)-n)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&org, "org", "", "the organisation")
	f.StringVar(&user, "user", "", "the user (repositories they own)")
	f.StringVar(&apiURL, "api-url", "", "API root (default $GITHUB_API_URL, else https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)")
	f.StringVarP(&output, "output", "o", "", "write the list to `FILE` (default: standard output)")
	f.BoolVar(&ssh, "ssh", false, "print ssh URLs (git@host:org/repo.git) instead of https clone URLs")
	f.BoolVar(&skipArchived, "skip-archived", false, "leave out archived repositories")
	f.BoolVar(&skipForks, "skip-forks", false, "leave out forks")
	f.DurationVar(&maxWait, "max-wait", 30*time.Minute, "give up when rate limits would make keyhound wait longer than this in all")
	return c
}
